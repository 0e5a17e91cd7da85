"""Test events and consumers for the outbox tests, importable by a dispatcher running in a
subprocess.

Each consumer's "effect" is an AuditLogEntry row (action `effect.<consumer>`), so a test can
count how many times a consumer's database work really committed.
"""

from __future__ import annotations

import os

from django.db import transaction

from haat.core.events import Delivery, Event, consumer, unregister
from haat.core.models import AuditLogEntry, OutboxEvent
from haat.core.outbox import Aggregate, emit

CRASH_ENV = "HAAT_TEST_CRASH_BEFORE_SECOND"
NAMES = ("test.first", "test.second")


class TestEvent(Event):
    """Base of the test events: a number to tell them apart."""

    __test__ = False  # not a pytest class
    example = {"n": 1}

    n: int = 0
    """Which one."""


class Crashed(TestEvent):
    event_type = "test.crash"


class Raced(TestEvent):
    event_type = "test.race"


class Flaky(TestEvent):
    event_type = "test.flaky"


class Other(TestEvent):
    event_type = "test.other"


class Nobody(TestEvent):
    event_type = "test.nobody"


def emit_test(cls: type[TestEvent], n: int = 0) -> OutboxEvent:
    with transaction.atomic():
        return emit(cls(n=n), aggregate=Aggregate("test", 1))


def record_effect(name: str, delivery: Delivery) -> None:
    AuditLogEntry.objects.create(
        actor_label="consumer",
        action=f"effect.{name}",
        object_type="event",
        object_id=str(delivery.event_id),
    )


def effects(name: str, event: OutboxEvent) -> int:
    return AuditLogEntry.objects.filter(action=f"effect.{name}", object_id=str(event.pk)).count()


def register() -> None:
    @consumer("test.first", Crashed, Raced)
    def first(event: TestEvent, delivery: Delivery) -> None:
        record_effect("test.first", delivery)

    @consumer("test.second", Crashed)
    def second(event: Crashed, delivery: Delivery) -> None:
        if os.environ.get(CRASH_ENV):
            os._exit(1)  # the process dies: no exception handler, no rollback, no cleanup
        record_effect("test.second", delivery)


def unregister_all() -> None:
    for name in NAMES:
        unregister(name)
