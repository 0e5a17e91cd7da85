"""The outbox dispatcher: crash recovery, retries with back-off, no double delivery."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
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
from haat.core.events import consumer, unregister
from haat.core.models import OutboxDelivery, OutboxEvent
from haat.core.outbox import retry_event
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
