"""Webhook URLs are public: forged deliveries are counted, only a few are kept as samples,
bodies over the limit are refused unread, and stored events are pruned after retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from haat.gateways import inbox, retention
from haat.gateways.models import WebhookEvent, WebhookRejections

pytestmark = pytest.mark.django_db

RZP_URL = "/webhooks/razorpay"


def _forge(client: Client, n: int, size: int = 100) -> list[int]:
    body = b'{"event": "payment.captured", "pad": "' + b"x" * size + b'"}'
    return [
        client.post(
            RZP_URL, data=body, content_type="application/json", HTTP_X_RAZORPAY_SIGNATURE="f"
        ).status_code
        for _ in range(n)
    ]


def test_a_flood_of_forged_deliveries_is_counted_and_only_sampled(razorpay):
    codes = _forge(Client(), inbox.REJECTED_SAMPLES_PER_HOUR + 15, size=10_000)
    assert set(codes) == {400}
    samples = WebhookEvent.objects.filter(status="rejected")
    assert samples.count() == inbox.REJECTED_SAMPLES_PER_HOUR
    assert max(len(bytes(e.body)) for e in samples) == inbox.REJECTED_BODY_BYTES
    [count] = WebhookRejections.objects.all()
    assert count.gateway == "razorpay" and count.count == inbox.REJECTED_SAMPLES_PER_HOUR + 15
    assert count.last_error


@override_settings(HAAT_WEBHOOK_MAX_BYTES=1000)
def test_a_body_over_the_limit_is_refused_unread_and_stores_nothing(razorpay):
    [code] = _forge(Client(), 1, size=2000)
    assert code == 413
    assert not WebhookEvent.objects.exists() and not WebhookRejections.objects.exists()
    [code] = _forge(Client(), 1, size=100)
    assert code == 400  # small enough: read, then refused for its signature


def test_old_settled_events_and_rejections_are_pruned_and_pending_ones_kept(razorpay):
    now = timezone.now()

    def event(status: str, days: int, n: int) -> WebhookEvent:
        e = WebhookEvent.objects.create(
            gateway="razorpay", event_id=f"e{n}", body=b"{}", status=status,
            signature_valid=status != "rejected",
        )  # fmt: skip
        WebhookEvent.objects.filter(pk=e.pk).update(received_at=now - timedelta(days=days))
        return e

    old_done = event("processed", 91, 1)
    old_ignored = event("ignored", 200, 2)
    recent_done = event("processed", 10, 3)
    old_failed = event("failed", 300, 4)
    old_sample = event("rejected", 8, 5)
    new_sample = event("rejected", 1, 6)
    WebhookRejections.objects.create(gateway="razorpay", hour=now - timedelta(days=8), count=9)
    WebhookRejections.objects.create(gateway="razorpay", hour=now - timedelta(hours=1), count=3)
    assert retention.prune(now=now) == 4
    kept = set(WebhookEvent.objects.values_list("pk", flat=True))
    assert kept == {recent_done.pk, old_failed.pk, new_sample.pk}
    assert {old_done.pk, old_ignored.pk, old_sample.pk}.isdisjoint(kept)
    assert list(WebhookRejections.objects.values_list("count", flat=True)) == [3]
