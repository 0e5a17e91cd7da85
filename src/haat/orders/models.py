"""Orders, their lines (price snapshots) and the status history.

The public order number is derived from the primary key (`HT-` + 10000 + id): unique and
race-free without a counter row, short enough to read over the phone. Customers reach
their order through `token`, never through the number or the id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from haat.core.money import Money

NUMBER_PREFIX = "HT-"
NUMBER_OFFSET = 10000


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    class PaymentType(models.TextChoices):
        COD = "cod", "Cash on delivery"

    token = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    payment_type = models.CharField(max_length=20, choices=PaymentType.choices)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20)
    name = models.CharField(max_length=200, blank=True)
    shipping_address = models.JSONField()
    billing_address = models.JSONField()
    subtotal_amount = models.BigIntegerField()
    shipping_amount = models.BigIntegerField(default=0)
    total_amount = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["email"]),
            models.Index(fields=["phone"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal_amount__gte=0) & Q(shipping_amount__gte=0),
                name="order_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(total_amount=models.F("subtotal_amount") + models.F("shipping_amount")),
                name="order_total_is_sum",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{NUMBER_PREFIX}{NUMBER_OFFSET + self.pk}" if self.pk else ""

    @property
    def subtotal(self) -> Money:
        return Money(self.subtotal_amount, self.currency_id)

    @property
    def shipping(self) -> Money:
        return Money(self.shipping_amount, self.currency_id)

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency_id)


def pk_from_number(number: str) -> int | None:
    """The primary key behind `HT-10042` (or `10042`), or None when it is not a number."""
    text = (number or "").strip().upper().removeprefix(NUMBER_PREFIX)
    if not text.isdigit() or len(text) > 15:
        return None
    pk = int(text) - NUMBER_OFFSET
    return pk if pk > 0 else None


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(max_length=64)
    product_title = models.CharField(max_length=200)
    option_values = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    unit_amount = models.BigIntegerField()
    line_amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity"),
            models.CheckConstraint(
                condition=Q(line_amount=models.F("unit_amount") * models.F("quantity")),
                name="order_line_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def variant_title(self) -> str:
        return " / ".join(str(v) for v in self.option_values.values()) or "Default"


class OrderTransition(models.Model):
    """One status change: who, when, from, to and why (the order's history)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)  # "" for the first entry
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '∅'} -> {self.to_status}"
