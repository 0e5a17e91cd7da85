"""Background work of the gateways context: processing stored webhook events.

`enqueue` is called on commit of a stored event (`inbox.store_event`); `retry_due` is the
periodic sweep for lost enqueues and failed events; `prune_webhook_events` the daily
clean-up (`retention`). The processing itself is in
`processing`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from haat.core.periodic import periodic
from haat.gateways import retention
from haat.gateways.processing import due_for_retry, mark_crashed, process_event

logger = logging.getLogger(__name__)


@task()
def process_webhook_event(event_pk: int) -> str:
    """Apply one stored gateway event to its payment (enqueued when it is received)."""
    try:
        return process_event(event_pk)
    except Exception as exc:
        mark_crashed(event_pk, f"{type(exc).__name__}: {exc}")
        raise


def enqueue(event_pk: int) -> None:
    """Never raises: the event is stored, and the periodic sweep picks up a lost enqueue."""
    try:
        process_webhook_event.enqueue(event_pk)
    except Exception:
        logger.exception("Could not enqueue webhook event %s; the sweep will process it", event_pk)


def retry_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Re-enqueue the events `processing.due_for_retry` lists; returns how many."""
    due = due_for_retry(now=now or timezone.now(), limit=limit)
    for pk in due:
        enqueue(pk)
    return len(due)


@periodic(every=timedelta(minutes=1), name="gateways.retry_webhook_events")
@task()
def retry_webhook_events() -> int:
    """Pick up events whose enqueue was lost and retry failed ones with back-off."""
    return retry_due()


@periodic(every=timedelta(days=1), name="gateways.prune_webhook_events")
@task()
def prune_webhook_events() -> int:
    """Delete settled webhook events and rejected samples past their retention."""
    return retention.prune()
