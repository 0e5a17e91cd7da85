"""Periodic background work that runs under the default database task backend.

    @periodic(every=timedelta(seconds=30), name="inventory.release_expired_holds")
    @task()
    def release_expired_holds() -> int: ...

Every worker started with a scheduler calls `run_due()` about once a second. Workers on
many machines may tick at the same moment; each due task is claimed with one conditional
UPDATE on its `PeriodicRun` row (`... WHERE last_enqueued_at <= now - every`), and only the
worker whose UPDATE changed a row enqueues it. The claim and the enqueue share a
transaction, so a crash between them loses nothing and enqueues nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from haat.core.models import PeriodicRun

logger = logging.getLogger(__name__)

# A "never ran" stamp far enough back to be due for any interval.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: timedelta
    task: Task


_registry: dict[str, PeriodicTask] = {}


def periodic(*, every: timedelta, name: str | None = None) -> Callable[[Task], Task]:
    """Register a django-tasks `Task` to be enqueued once per `every` across all workers."""
    if every <= timedelta(0):
        raise ValueError("periodic(every=...) must be a positive interval")

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise TypeError("@periodic goes above @task(): it schedules a django-tasks Task")
        key = name or task.module_path
        if len(key) > PeriodicRun._meta.get_field("name").max_length:
            raise ValueError(f"periodic task name too long: {key!r}")
        _registry[key] = PeriodicTask(key, every, task)
        return task

    return register


def periodic_tasks() -> list[PeriodicTask]:
    return list(_registry.values())


def unregister(name: str) -> None:
    _registry.pop(name, None)


def claim(job: PeriodicTask, now: datetime) -> bool:
    """True for exactly one caller per interval: the one whose UPDATE matched the row
    (`run_due` makes sure the row exists)."""
    updated = PeriodicRun.objects.filter(
        name=job.name, last_enqueued_at__lte=now - job.every
    ).update(last_enqueued_at=now)
    return updated == 1


def run_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every registered task whose interval has passed. Returns their names."""
    now = now or timezone.now()
    jobs = periodic_tasks()
    # One statement per tick for every job's row (new jobs get theirs on the first tick).
    PeriodicRun.objects.bulk_create(
        [PeriodicRun(name=job.name, last_enqueued_at=NEVER) for job in jobs],
        ignore_conflicts=True,
    )
    enqueued = []
    for job in jobs:
        try:
            with transaction.atomic():
                if not claim(job, now):
                    continue
                job.task.enqueue()
        except Exception:
            # One broken task (bad import, full disk) must not stop the others.
            logger.exception("Could not enqueue periodic task %s", job.name)
            continue
        enqueued.append(job.name)
    return enqueued
