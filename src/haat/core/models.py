"""Rows shared by every context: currencies, the audit log, the event outbox and the
replies stored for `Idempotency-Key`s."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Currency(models.Model):
    """An ISO 4217 currency the store may sell in, seeded from the pinned snapshot
    (core/currency_snapshot.json). `decimal_places` is the contract stored amounts are counted
    in: it never changes once a row exists (see core.money and core.currency_data)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=100)
    symbol = models.CharField(max_length=10, blank=True)
    decimal_places = models.PositiveSmallIntegerField()
    enabled = models.BooleanField(default=False, db_index=True)
    is_default = models.BooleanField(default=False)
    display_order = models.PositiveIntegerField(default=1000)

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name_plural = "currencies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_currency"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(enabled=True),
                name="default_currency_enabled",
            ),
            models.CheckConstraint(condition=Q(decimal_places__lte=4), name="currency_places"),
        ]

    def __str__(self) -> str:
        return self.code


class AuditLogEntry(models.Model):
    """One staff write: who, what, on which object, which fields changed, from where."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still reads well after the user or key is deleted.
    actor_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it describes."""

    created_at = models.DateTimeField(auto_now_add=True)
    event_type = models.CharField(max_length=100, db_index=True)
    # The version of the event class that wrote the payload (haat.core.events.Event.version).
    event_version = models.PositiveSmallIntegerField(default=1)
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    # Set once every consumer has it; the dispatcher only scans undispatched rows.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(dispatched_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(fields=["aggregate_type", "aggregate_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class OutboxDelivery(models.Model):
    """That one consumer has handled one event. The unique pair is the idempotency key:
    a dispatcher killed mid-way re-runs only the consumers with no row here."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=100)
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="one_delivery_per_consumer")
        ]

    def __str__(self) -> str:
        return f"{self.consumer} <- {self.event_id}"


class PeriodicRun(models.Model):
    """When a periodic task was last enqueued. Schedulers on every worker machine race for
    this row with one conditional UPDATE, so each interval enqueues the task exactly once."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_enqueued_at:%Y-%m-%d %H:%M:%S}"


class SettingsStamp(models.Model):
    """One row (pk 1): a stamp that changes in the same transaction as any change of the
    store's settings rows, so every process knows its copy of them is stale; see
    `haat.core.settings_stamp`."""

    stamp = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="settings_stamp_singleton")]

    def __str__(self) -> str:
        return f"settings stamp {self.stamp}"


class StoreDetails(models.Model):
    """One row (pk 1): who the store is, as the dashboard, the pay page and (later) invoices
    and messages show it. Absent until first saved: `haat.core.store` then answers with
    HAAT_STORE_NAME and the settings' time zone."""

    name = models.CharField(max_length=100)
    legal_name = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(upload_to="store/", blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)  # an Indian state's name, or free
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="IN")
    gstin = models.CharField(max_length=15, blank=True)
    support_email = models.EmailField(blank=True)
    support_phone = models.CharField(max_length=20, blank=True)
    time_zone = models.CharField(max_length=64, default="Asia/Kolkata")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "store details"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="store_details_singleton")]

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """The reply to a request made with an `Idempotency-Key`, and the fingerprint of that
    request (`core.idempotency`). A service writes it in the same transaction as its
    effect, so it exists exactly when the effect does; the unique (scope, key) pair
    decides between concurrent duplicates."""

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="one_reply_per_idempotency_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
