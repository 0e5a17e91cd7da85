"""How long stored webhooks are kept: settled events and rejected samples are pruned daily
(`tasks.prune_webhook_events`), so the inbox cannot grow without end."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from haat.gateways.models import WebhookEvent, WebhookRejections


def prune(*, now: datetime | None = None) -> int:
    """Delete what is past its retention: settled events (processed, ignored) after
    HAAT_WEBHOOK_RETENTION_DAYS, rejected samples and counts after
    HAAT_WEBHOOK_REJECTION_DAYS. Events still to process (received, failed) stay."""
    now = now or timezone.now()
    settled = now - timedelta(days=settings.HAAT_WEBHOOK_RETENTION_DAYS)
    rejected = now - timedelta(days=settings.HAAT_WEBHOOK_REJECTION_DAYS)
    S = WebhookEvent.Status
    deleted, _ = WebhookEvent.objects.filter(
        status__in=[S.PROCESSED, S.IGNORED], received_at__lt=settled
    ).delete()
    samples, _ = WebhookEvent.objects.filter(status=S.REJECTED, received_at__lt=rejected).delete()
    counts, _ = WebhookRejections.objects.filter(hour__lt=rejected).delete()
    return deleted + samples + counts
