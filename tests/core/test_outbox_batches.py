"""Batch consumers: a batch of events in one transaction with a statement count that does
not grow with the batch, the same once-per-consumer guarantee, and one bad event retried on
its own instead of failing its neighbours."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from haat.core.dispatch import dispatch_pending
from haat.core.events import consumer, unregister
from haat.core.models import AuditLogEntry, OutboxDelivery, OutboxEvent
from tests.core.outbox_consumers import Flaky, Raced, effects, emit_test, record_effect

# The whole of dispatch_pending for one batch consumer: read the due events, read their
# deliveries, lock the batch's events, re-read their deliveries, the handler's one
# statement, insert the delivery rows, mark the events dispatched.
BATCH_STATEMENTS = 7


@pytest.fixture
def batched():
    """A batch consumer whose handler writes one row per event in one statement, failing
    on the events whose number is in `state["poison"]`."""
    state: dict = {"poison": set(), "batches": 0, "singles": 0}

    def many(items):
        state["batches"] += 1
        if any(event.n in state["poison"] for event, _ in items):
            raise RuntimeError("poisoned batch")
        record_effects([delivery for _, delivery in items])

    @consumer("test.batched", Raced, Flaky, batch=many)
    def one(event, delivery):
        state["singles"] += 1
        if event.n in state["poison"]:
            raise RuntimeError(f"event {event.n} is poisoned")
        record_effect("test.batched", delivery)

    yield state
    unregister("test.batched")


def record_effects(deliveries) -> None:

    AuditLogEntry.objects.bulk_create(
        AuditLogEntry(
            actor_label="consumer",
            action="effect.test.batched",
            object_type="event",
            object_id=str(d.event_id),
        )
        for d in deliveries
    )


def _statements(events: int) -> int:
    for i in range(events):
        emit_test(Raced, i)
    with CaptureQueriesContext(connection) as captured:
        assert dispatch_pending(batch_size=500) == events
    return len(statements(captured))


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL run, without transaction control (BEGIN, SAVEPOINT...: the test's own
    transaction turns the dispatcher's into savepoints)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]


@pytest.mark.django_db
def test_a_batch_costs_the_same_statements_for_3_or_60_events(batched):
    assert _statements(3) == BATCH_STATEMENTS
    assert _statements(60) == BATCH_STATEMENTS
    assert batched == {"poison": set(), "batches": 2, "singles": 0}
    assert OutboxDelivery.objects.filter(consumer="test.batched").count() == 63
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_poisoned_batch_is_retried_one_by_one_and_only_the_bad_event_backs_off(batched):
    events = [emit_test(Raced, i) for i in range(5)]
    batched["poison"] = {2}
    assert dispatch_pending() == 4
    assert batched["batches"] == 1 and batched["singles"] == 5
    for event in events:
        event.refresh_from_db()
        assert effects("test.batched", event) == (0 if event.payload["n"] == 2 else 1)
    bad = events[2]
    assert bad.dispatched_at is None and bad.attempts == 1
    assert "[test.batched] RuntimeError: event 2 is poisoned" in bad.last_error
    # Replaying changes nothing for the delivered ones (nothing is due).
    assert dispatch_pending() == 0


@pytest.mark.django_db
def test_events_a_batch_consumer_already_has_are_not_handled_again(batched):
    events = [emit_test(Raced, i) for i in range(4)]
    # A dispatcher that died after the batch committed but before settling: deliveries
    # exist for two events, none is marked dispatched.
    OutboxDelivery.objects.bulk_create(
        OutboxDelivery(event=e, consumer="test.batched") for e in events[:2]
    )
    assert dispatch_pending() == 4
    assert [effects("test.batched", e) for e in events] == [0, 0, 1, 1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_concurrent_dispatchers_batch_each_event_once(batched):
    events = [emit_test(Raced, i) for i in range(60)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(4):
                dispatch_pending(batch_size=15)
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
    assert [effects("test.batched", e) for e in events] == [1] * 60
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 0
