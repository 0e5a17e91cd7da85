"""The outbox: typed events written with the change, and the dispatcher: typed deliveries,
crash recovery, retries with back-off, no double delivery."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pydantic
import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haat.core.dispatch import (
    MAX_ATTEMPTS,
    backoff,
    delivery_key,
    dispatch_pending,
    failed_events,
    pending_events,
)
from haat.core.events import Event, consumer, unregister
from haat.core.models import OutboxDelivery, OutboxEvent
from haat.core.outbox import (
    Aggregate,
    emit,
    emit_all,
    retry_event,
)
from haat.core.tasks import schedule_dispatch
from tests.core import outbox_consumers
from tests.core.outbox_consumers import (
    Crashed,
    Flaky,
    Nobody,
    Other,
    Raced,
    effects,
    emit_test,
    record_effect,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def test_consumers():
    outbox_consumers.register()
    yield
    outbox_consumers.unregister_all()


@pytest.fixture
def flaky():
    """A consumer failing `state["failures"]` times (after writing an effect that must roll
    back), and a steady consumer on the same event type."""
    state = {"failures": 2, "calls": 0}

    @consumer("test.flaky", Flaky)
    def flaky_handler(event, delivery):
        state["calls"] += 1
        record_effect("test.flaky", delivery)
        if state["failures"]:
            state["failures"] -= 1
            raise RuntimeError("gateway said 503")

    @consumer("test.steady", Flaky, Other)
    def steady_handler(event, delivery):
        record_effect("test.steady", delivery)

    yield state
    unregister("test.flaky")
    unregister("test.steady")


def _make_due(event: OutboxEvent) -> None:
    OutboxEvent.objects.filter(pk=event.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _dispatch_in_subprocess(crash: bool) -> subprocess.CompletedProcess:
    script = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'\n"
        "from django.conf import settings\n"
        "settings.DATABASES['default']['NAME'] = os.environ['HAAT_TEST_DB_NAME']\n"
        "import django\n"
        "django.setup()\n"
        "from tests.core import outbox_consumers\n"
        "outbox_consumers.register()\n"
        "from haat.core.dispatch import dispatch_pending\n"
        "print(dispatch_pending())\n"
    )
    env = {**os.environ, "HAAT_TEST_DB_NAME": str(connection.settings_dict["NAME"])}
    if crash:
        env[outbox_consumers.CRASH_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_dispatcher_killed_mid_way_resumes_without_repeating(test_consumers):
    event = emit_test(Crashed, 1)

    crashed = _dispatch_in_subprocess(crash=True)
    assert crashed.returncode == 1, crashed.stderr
    # The first consumer committed its effect and its delivery row together; the second never ran.
    assert effects("test.first", event) == 1
    assert effects("test.second", event) == 0
    assert set(OutboxDelivery.objects.filter(event=event).values_list("consumer", flat=True)) == {
        "test.first"
    }
    event.refresh_from_db()
    assert event.dispatched_at is None

    assert dispatch_pending() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert effects("test.first", event) == 1
    assert effects("test.second", event) == 1
    assert OutboxDelivery.objects.filter(event=event).count() == 2

    # Replaying dispatch, in-process and in another process, does nothing twice.
    assert dispatch_pending() == 0
    again = _dispatch_in_subprocess(crash=True)  # would die if it ran the second consumer
    assert again.returncode == 0, again.stderr
    assert effects("test.first", event) == 1
    assert effects("test.second", event) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_concurrent_dispatchers_deliver_each_event_once(test_consumers):
    events = [emit_test(Raced, i) for i in range(30)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                dispatch_pending(batch_size=10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    dispatch_pending()  # whatever a skipped (locked) event left behind
    for event in events:
        assert effects("test.first", event) == 1
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_failing_consumer_backs_off_and_does_not_block_others(flaky):
    bad = emit_test(Flaky)
    good = emit_test(Other)
    before = timezone.now()

    assert dispatch_pending() == 1  # `good` only
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.dispatched_at is not None
    assert bad.dispatched_at is None
    assert bad.attempts == 1
    assert "[test.flaky] RuntimeError: gateway said 503" in bad.last_error
    assert (
        before + timedelta(seconds=10)
        <= bad.next_attempt_at
        <= timezone.now() + timedelta(seconds=10)
    )
    # The failed handler's own database write rolled back with it; the steady one stands.
    assert effects("test.flaky", bad) == 0
    assert effects("test.steady", bad) == 1

    # Not due yet: nothing runs.
    assert dispatch_pending() == 0
    assert flaky["calls"] == 1

    _make_due(bad)
    assert dispatch_pending() == 0
    bad.refresh_from_db()
    assert bad.attempts == 2
    assert bad.next_attempt_at >= timezone.now() + timedelta(seconds=19)

    _make_due(bad)
    assert dispatch_pending() == 1
    bad.refresh_from_db()
    assert bad.dispatched_at is not None
    assert effects("test.flaky", bad) == 1
    assert effects("test.steady", bad) == 1  # never re-run by the retries
    assert flaky["calls"] == 3


@pytest.mark.django_db
def test_backoff_is_exponential_and_capped():
    assert [backoff(n).total_seconds() for n in range(1, 6)] == [10, 20, 40, 80, 160]
    assert backoff(9) == timedelta(seconds=2560)
    assert backoff(10) == timedelta(hours=1)
    assert backoff(50) == timedelta(hours=1)


@pytest.mark.django_db
def test_event_gives_up_after_max_attempts_and_can_be_retried(flaky):
    flaky["failures"] = 10_000
    event = emit_test(Flaky)
    for _ in range(MAX_ATTEMPTS):
        _make_due(event)
        dispatch_pending()
    event.refresh_from_db()
    assert event.attempts == MAX_ATTEMPTS
    assert event.dispatched_at is None
    assert event.next_attempt_at <= timezone.now() + timedelta(hours=1)
    assert list(failed_events()) == [event]

    _make_due(event)
    assert event not in pending_events()
    calls = flaky["calls"]
    assert dispatch_pending() == 0
    assert flaky["calls"] == calls

    flaky["failures"] = 0
    retry_event(event_id=event.pk)
    assert dispatch_pending() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert list(failed_events()) == []


@pytest.mark.django_db
def test_events_without_consumers_are_dispatched_in_id_order():
    first, second = emit_test(Nobody), emit_test(Nobody)
    assert list(pending_events().filter(pk__in=[first.pk, second.pk])) == [first, second]
    assert dispatch_pending(batch_size=1) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.dispatched_at is not None and second.dispatched_at is None
    assert dispatch_pending() >= 1
    second.refresh_from_db()
    assert second.dispatched_at is not None


def test_delivery_key_names_event_and_consumer():
    assert delivery_key(OutboxEvent(pk=42), "webhooks") == "42:webhooks"


@pytest.mark.django_db
def test_wakeups_are_throttled_to_one_task_per_window(django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(25):
            emit_test(Nobody)
    tasks = DBTaskResult.objects.filter(task_path="haat.core.tasks.dispatch_outbox")
    assert tasks.count() == 1
    schedule_dispatch()
    assert tasks.count() == 1
    cache.clear()  # the window (one second) has passed
    schedule_dispatch()
    assert tasks.count() == 2


# --- typed events and deliveries -------------------------------------------------------


class RacedV2(Raced):
    """A later version of `test.race` (a subclass, still not accepted by the consumers of
    version 1)."""

    event_type = "test.race"
    version = 2


@pytest.fixture
def seen():
    """A consumer of `test.other` that keeps what it was handed."""
    calls: list[tuple[object, object]] = []

    @consumer("test.seen", Other)
    def keep(event, delivery):
        calls.append((event, delivery))

    yield calls
    unregister("test.seen")


@pytest.mark.django_db
def test_a_consumer_gets_the_typed_event_and_its_own_delivery_key(seen):
    row = emit_test(Other, 7)
    assert (row.event_type, row.event_version, row.payload) == ("test.other", 1, {"n": 7})
    assert dispatch_pending() == 1
    [(event, delivery)] = seen
    assert event == Other(n=7) and type(event) is Other
    assert delivery.key == delivery_key(row, "test.seen") == f"{row.pk}:test.seen"
    assert (delivery.event_id, delivery.aggregate_type, delivery.aggregate_id) == (
        row.pk,
        "test",
        "1",
    )
    assert delivery.created_at == OutboxEvent.objects.get(pk=row.pk).created_at
    assert OutboxDelivery.objects.get(event_id=row.pk).consumer == "test.seen"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("version", "payload", "error"),
    [
        (1, {"n": "seven"}, "ValidationError"),  # the payload breaks its class
        (1, {"n": 1, "extra": True}, "ValidationError"),
        (9, {"n": 1}, "LookupError: No event class is registered for test.other version 9"),
    ],
)
def test_a_stored_event_that_does_not_parse_fails_loudly(seen, version, payload, error):
    row = OutboxEvent.objects.create(
        event_type="test.other", event_version=version, aggregate_type="test", payload=payload
    )
    assert dispatch_pending() == 0
    row.refresh_from_db()
    assert seen == [] and row.dispatched_at is None and row.attempts == 1
    assert row.last_error.startswith("[test.seen] ") and error in row.last_error
    assert not OutboxDelivery.objects.filter(event=row).exists()


@pytest.mark.django_db
def test_a_consumer_refuses_a_version_it_did_not_subscribe_to(test_consumers):
    row = emit_test(RacedV2, 3)
    assert row.event_version == 2
    assert dispatch_pending() == 0
    row.refresh_from_db()
    assert "TypeError: test.first does not take test.race version 2" in row.last_error
    assert effects("test.first", row) == 0


@pytest.mark.django_db(transaction=True)
def test_emit_validates_and_needs_the_transaction_of_the_change():
    with pytest.raises(pydantic.ValidationError):
        Other(n="seven")
    with pytest.raises(pydantic.ValidationError):
        Other(n=1, extra=True)
    with pytest.raises(pydantic.ValidationError):
        Other(n=1).n = 2  # frozen  # type: ignore[misc]
    with pytest.raises(RuntimeError, match="inside the transaction"):
        emit(Other(n=1), aggregate=Aggregate("test", 1))
    with pytest.raises(RuntimeError, match="inside the transaction"):
        emit_all([(Other(n=1), Aggregate("test", 1))])
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_emit_all_writes_any_number_of_events_in_one_insert():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert emit_all((Raced(n=i), Aggregate("test", i)) for i in range(50)) == 50
    writes = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
    rows = OutboxEvent.objects.order_by("id")
    assert [(r.event_type, r.event_version, r.payload["n"]) for r in rows] == [
        ("test.race", 1, i) for i in range(50)
    ]
    assert {r.created_at for r in rows} == {rows[0].created_at}
    with transaction.atomic():
        assert emit_all([]) == 0


def test_event_and_consumer_registration_is_checked():
    with pytest.raises(ValueError, match=r"context\.fact"):

        class Bad(Event):
            event_type = "NoDot"

    with pytest.raises(ValueError, match="example payload"):

        class Undocumented(Event):
            event_type = "test.undocumented"

    with pytest.raises(ValueError, match="already"):

        class Twin(Event):  # another class for test.other version 1
            event_type = "test.other"
            example: ClassVar[dict] = {}

    with pytest.raises(ValueError, match="concrete event classes"):
        consumer("test.base", Event)
    with pytest.raises(ValueError, match=r"context\.action"):
        consumer("Not a name", Other)

    @consumer("test.once", Other)
    def once(event, delivery): ...

    try:
        with pytest.raises(ValueError, match="already registered"):

            @consumer("test.once", Other)
            def again(event, delivery): ...

    finally:
        unregister("test.once")
