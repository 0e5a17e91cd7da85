"""Carts and their lines.

A cart is addressed only by its unguessable token. `checkout_started_at` is a short-lived
claim (one conditional UPDATE) so two submits of one cart cannot both place holds; the
claim goes stale after a minute, so a crashed request never locks a cart for good.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

MAX_LINE_QUANTITY = 1000
MAX_CART_LINES = 100


class Cart(models.Model):
    token = models.CharField(max_length=64, unique=True)
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checkout_started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    order = models.OneToOneField(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="cart"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["completed_at", "updated_at"])]

    def __str__(self) -> str:
        return f"cart {self.token[:6]}…"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    # The unit price the shopper saw (cart currency, minor units); checkout compares it
    # with the live price and refuses to charge a different one silently.
    unit_amount = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_line_per_variant"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="cart_line_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"
