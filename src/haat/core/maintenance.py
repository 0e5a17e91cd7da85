"""Housekeeping of the background-work tables."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def prune_task_results(*, older_than: timedelta = timedelta(days=14)) -> int:
    """Delete successful and failed task results finished before `older_than` ago.
    Ready and running tasks are never touched. Returns the number deleted."""
    cutoff = timezone.now() - older_than
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted


def refresh_planner_statistics() -> str:
    """Keep the query planner's statistics fresh.

    PostgreSQL's autovacuum does this by itself; SQLite gathers statistics only when asked,
    and without them it picks poor plans on large catalogs (a price lookup scanning every
    price instead of using the variant index). `PRAGMA optimize` analyses only the tables
    that need it, bounded by `analysis_limit`, so running it hourly is cheap.
    """
    if connection.vendor != "sqlite":
        return "skipped"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize")
    return "optimized"
