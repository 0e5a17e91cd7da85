"""Consumers used by the outbox tests, importable by a dispatcher running in a subprocess.

Each consumer's "effect" is an AuditLogEntry row (action `effect.<consumer>`), so a test can
count how many times a consumer's database work really committed.
"""

from __future__ import annotations

import os

from haat.core.events import consumer, unregister
from haat.core.models import AuditLogEntry, OutboxEvent

CRASH_ENV = "HAAT_TEST_CRASH_BEFORE_SECOND"
NAMES = ("test.first", "test.second")


def record_effect(name: str, event: OutboxEvent) -> None:
    AuditLogEntry.objects.create(
        actor_label="consumer",
        action=f"effect.{name}",
        object_type="event",
        object_id=str(event.pk),
    )


def effects(name: str, event: OutboxEvent) -> int:
    return AuditLogEntry.objects.filter(action=f"effect.{name}", object_id=str(event.pk)).count()


def register() -> None:
    @consumer("test.first", "test.crash", "test.race")
    def first(event: OutboxEvent) -> None:
        record_effect("test.first", event)

    @consumer("test.second", "test.crash")
    def second(event: OutboxEvent) -> None:
        if os.environ.get(CRASH_ENV):
            os._exit(1)  # the process dies: no exception handler, no rollback, no cleanup
        record_effect("test.second", event)


def unregister_all() -> None:
    for name in NAMES:
        unregister(name)
