"""Background work of the gateways context: thin wrappers around `inbox`."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from haat.core.periodic import periodic


@task()
def process_webhook_event(event_pk: int) -> str:
    """Apply one stored gateway event to its payment (enqueued when it is received)."""
    from haat.gateways.inbox import mark_crashed, process_event

    try:
        return process_event(event_pk)
    except Exception as exc:
        mark_crashed(event_pk, f"{type(exc).__name__}: {exc}")
        raise


@periodic(every=timedelta(minutes=1), name="gateways.retry_webhook_events")
@task()
def retry_webhook_events() -> int:
    """Pick up events whose enqueue was lost and retry failed ones with back-off."""
    from haat.gateways.inbox import retry_due

    return retry_due()
