"""Housekeeping of the background-work tables."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def prune_task_results(*, older_than: timedelta = timedelta(days=14)) -> int:
    """Delete successful and failed task results finished before `older_than` ago.
    Ready and running tasks are never touched. Returns the number deleted."""
    cutoff = timezone.now() - older_than
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
