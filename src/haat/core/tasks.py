"""Background tasks of the core context: thin wrappers around services.

`schedule_dispatch` wakes the outbox dispatcher; `core.outbox` calls it on commit of every
change that emitted events.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django_tasks import task

from haat.core.dispatch import dispatch_pending
from haat.core.maintenance import prune_task_results as prune
from haat.core.maintenance import refresh_planner_statistics as refresh
from haat.core.periodic import periodic

logger = logging.getLogger(__name__)

# One enqueue per window is enough: the task drains every due event, and the periodic
# sweep picks up whatever a skipped wake-up would have.
SCHEDULE_WINDOW_SECONDS = 1
_SCHEDULE_KEY = "haat:outbox:dispatch-scheduled"


@periodic(every=timedelta(seconds=5), name="core.outbox_sweep")
@task()
def dispatch_outbox() -> int:
    """Deliver due outbox events. Woken on commit; the 5 s sweep catches any missed wake-up
    and the retries whose back-off has passed."""
    return dispatch_pending()


def schedule_dispatch() -> None:
    """Ask a worker to dispatch soon. Called on commit of any transaction with events.

    Under load thousands of commits a second would each enqueue a task row; `cache.add`
    lets only the first caller per window through. Never raises: the change it follows has
    already committed, and the periodic sweep dispatches whatever a failed enqueue missed.
    """
    try:
        if not cache.add(_SCHEDULE_KEY, 1, timeout=SCHEDULE_WINDOW_SECONDS):
            return
        dispatch_outbox.enqueue()
    except Exception:
        logger.exception("Could not enqueue outbox dispatch; the periodic sweep will run it")


@periodic(every=timedelta(days=7), name="core.prune_task_results")
@task()
def prune_task_results() -> int:
    """Delete finished task results older than two weeks so the task table stays small."""
    return prune()


@periodic(every=timedelta(hours=1), name="core.refresh_planner_statistics")
@task()
def refresh_planner_statistics() -> str:
    """SQLite needs to be told to gather planner statistics (see maintenance)."""
    return refresh()
