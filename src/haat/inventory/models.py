"""Stock: locations, levels per (variant, location), the movement ledger and holds.

`StockLevel.on_hand` always equals the sum of its `StockMovement` rows (checked by the
`verify_stock_ledger` command); `reserved` is the sum of its active `StockHold` rows.
The database refuses negative stock and over-reservation with CHECK constraints, so a
bug elsewhere fails loudly instead of overselling.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Location(models.Model):
    """A place that holds stock. Lower `priority` is allocated first."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "Own warehouse"
        PARTNER_SHOP = "partner_shop", "Partner shop"

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WAREHOUSE)
    priority = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class StockLevel(models.Model):
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="stock_levels"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_levels")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["variant_id", "location_id"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="one_level_per_location"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="on_hand_non_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.location_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """One append-only ledger row: a signed change of on_hand with its reason."""

    class Reason(models.TextChoices):
        RECEIPT = "receipt", "Receipt / restock"
        SALE = "sale", "Sale"
        ADJUSTMENT = "adjustment", "Adjustment"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        TRANSFER_IN = "transfer_in", "Transfer in"
        CUSTOMER_RETURN = "customer_return", "Customer return"
        RTO = "rto", "Return to origin"
        WRITE_OFF = "write_off", "Write-off"
        CANCELLATION = "cancellation", "Order cancelled"

    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="stock_movements"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="movements")
    quantity = models.IntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["variant", "-created_at"]),
            models.Index(fields=["variant", "location"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_non_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.quantity:+d} {self.variant_id}@{self.location_id}"


class StockHold(models.Model):
    """Stock reserved for a checkout or an order until it is paid, released or expires."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"
        CONVERTED = "converted", "Converted to sale"
        EXPIRED = "expired", "Expired"

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    # None: units held beyond stock under the variant's BackorderPolicy (no shelf yet).
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    quantity = models.PositiveIntegerField()
    owner_type = models.CharField(max_length=40)
    owner_id = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["owner_type", "owner_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="hold_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_type}:{self.owner_id} {self.quantity}x{self.variant_id}"

    @property
    def beyond_stock(self) -> bool:
        return self.location_id is None


class LowStockThreshold(models.Model):
    """A per-variant low-stock threshold; variants without one use HAAT_LOW_STOCK_DEFAULT."""

    variant = models.OneToOneField(
        "catalog.Variant", on_delete=models.CASCADE, related_name="low_stock_threshold"
    )
    threshold = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.variant_id} <= {self.threshold}"


class BackInStockSubscription(models.Model):
    """ "Notify me": one row per (variant, e-mail) or (variant, phone)."""

    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.CASCADE, related_name="back_in_stock_subscriptions"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "email"], condition=~Q(email=""), name="bis_unique_email"
            ),
            models.UniqueConstraint(
                fields=["variant", "phone"], condition=~Q(phone=""), name="bis_unique_phone"
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="bis_contact_required"
            ),
        ]
        indexes = [models.Index(fields=["variant", "notified_at"])]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.email or self.phone}"


class BackorderPolicy(models.Model):
    """A variant may be sold beyond its stock, up to `cap` units, with a promise: a date
    (`ships_on`, e.g. a pre-order's release) or a lead time (`ships_in_days`, made to
    order). `committed` counts the units sold or held beyond stock and not given back;
    it always equals the sum of the variant's `BackorderMovement` rows
    (`verify_stock_ledger`), and the database refuses it above the cap."""

    class Mode(models.TextChoices):
        PRE_ORDER = "pre_order", "Pre-order"
        BACKORDER = "backorder", "Backorder"

    variant = models.OneToOneField(
        "catalog.Variant", on_delete=models.PROTECT, related_name="backorder_policy"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices)
    cap = models.PositiveIntegerField()
    committed = models.PositiveIntegerField(default=0)
    ships_on = models.DateField(null=True, blank=True)
    ships_in_days = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["variant_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("cap")),
                name="backorder_within_cap",
            ),
            models.CheckConstraint(
                condition=Q(ships_on__isnull=False, ships_in_days__isnull=True)
                | Q(ships_on__isnull=True, ships_in_days__gte=1),
                name="backorder_one_promise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.mode} {self.committed}/{self.cap}"

    @property
    def left(self) -> int:
        return max(self.cap - self.committed, 0)


class BackorderMovement(models.Model):
    """The ledger of units sold beyond stock: + when an order takes them (reason: the
    policy's mode), - when they are given back (cancellation, expiry, release)."""

    class Reason(models.TextChoices):
        PRE_ORDER = "pre_order", "Pre-order"
        BACKORDER = "backorder", "Backorder"
        RELEASED = "released", "Released"
        EXPIRED = "expired", "Hold expired"
        CANCELLATION = "cancellation", "Order cancelled"

    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="backorder_movements"
    )
    quantity = models.IntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    owner_type = models.CharField(max_length=40)
    owner_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=100, blank=True)  # e.g. the order number
    note = models.CharField(max_length=300, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["variant", "-created_at"]),
            models.Index(fields=["owner_type", "owner_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="backorder_movement_non_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.quantity:+d} {self.variant_id}"
