"""Gateway credentials and the inbox of received webhooks.

Secrets are stored as Fernet tokens (see `crypto.py`) and only services decrypt them;
nothing returns them to a browser or an API client.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class GatewayAccount(models.Model):
    """Credentials entered on the dashboard. Environment variables override them."""

    class Code(models.TextChoices):
        RAZORPAY = "razorpay", "Razorpay"
        STRIPE = "stripe", "Stripe"

    class Mode(models.TextChoices):
        TEST = "test", "Test"
        LIVE = "live", "Live"

    gateway = models.CharField(max_length=20, choices=Code.choices, unique=True)
    # Razorpay key id (rzp_test_/rzp_live_); Stripe publishable key (pk_test_/pk_live_).
    key_id = models.CharField(max_length=200, blank=True)
    secret_encrypted = models.TextField(blank=True)  # Razorpay key secret / Stripe sk_...
    webhook_secret_encrypted = models.TextField(blank=True)
    # Kept after a rotation so events signed with the old secret still verify.
    previous_webhook_secret_encrypted = models.TextField(blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TEST)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["gateway"]

    def __str__(self) -> str:
        return f"{self.get_gateway_display()} ({self.mode})"


class WebhookEvent(models.Model):
    """One delivery from a gateway, stored before it is processed.

    A valid event is unique per (gateway, event_id), so a replay is a no-op. Deliveries
    with a bad or missing signature are kept for diagnosis as `rejected`, outside that
    uniqueness, so a forged request cannot squat on a real event id.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected (bad signature)"

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField()
    signature_valid = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "event_id"],
                condition=Q(signature_valid=True),
                name="webhook_event_unique_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id} ({self.status})"

    @property
    def text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")


class WebhookRejections(models.Model):
    """How many deliveries with a bad or missing signature one gateway got in one hour.

    Anyone can post to a webhook URL, so rejected deliveries are counted here (one row per
    gateway and hour) and only the first few of each hour are kept as samples
    (`WebhookEvent` rows with status `rejected`): a flood of forged requests cannot grow the
    database. Old counts and samples are pruned (`gateways.prune_webhook_events`)."""

    gateway = models.CharField(max_length=20)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-hour", "gateway"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "hour"], name="one_rejection_count_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.hour:%Y-%m-%d %H:00}: {self.count} rejected"
