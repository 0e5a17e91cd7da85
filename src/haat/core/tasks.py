"""Background tasks of the core context: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from haat.core.periodic import periodic


@periodic(every=timedelta(seconds=5), name="core.outbox_sweep")
@task()
def dispatch_outbox() -> int:
    """Deliver due outbox events. Woken on commit; the 5 s sweep catches any missed wake-up
    and the retries whose back-off has passed."""
    from haat.core.outbox import dispatch_pending

    return dispatch_pending()


@periodic(every=timedelta(days=7), name="core.prune_task_results")
@task()
def prune_task_results() -> int:
    """Delete finished task results older than two weeks so the task table stays small."""
    from haat.core.maintenance import prune_task_results as prune

    return prune()


@periodic(every=timedelta(hours=1), name="core.refresh_planner_statistics")
@task()
def refresh_planner_statistics() -> str:
    """SQLite needs to be told to gather planner statistics (see maintenance)."""
    from haat.core.maintenance import refresh_planner_statistics as refresh

    return refresh()
