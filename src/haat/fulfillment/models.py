"""Couriers and shipments.

A shipment carries some units of some lines of one order (split shipments allowed); the
sum over an order's shipments never exceeds what was ordered, checked under the order's
row lock by `services.create_shipment`. Shipments are written only by `services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Courier(models.Model):
    """A courier the store ships with: the five big Indian ones are seeded, staff add
    their own. `tracking_url` holds `{awb}` where the tracking number goes; `awb_pattern`
    is a regular expression a tracking number must match in full ("" = any)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    tracking_url = models.CharField(max_length=300, blank=True)
    awb_pattern = models.CharField(max_length=200, blank=True)
    awb_hint = models.CharField(max_length=120, blank=True)  # "14 digits", for error messages
    built_in = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shipment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", "Ready to ship"
        SHIPPED = "shipped", "Shipped"
        OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
        FAILED_ATTEMPT = "failed_attempt", "Delivery attempt failed"
        DELIVERED = "delivered", "Delivered"
        RTO = "rto", "Returned to origin"
        CANCELLED = "cancelled", "Cancelled"  # its order was cancelled before it left

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    courier = models.ForeignKey(Courier, on_delete=models.PROTECT, related_name="shipments")
    awb = models.CharField(max_length=40)
    location = models.ForeignKey(
        "inventory.Location", on_delete=models.PROTECT, related_name="+", null=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    length_cm = models.PositiveIntegerField(null=True, blank=True)
    breadth_cm = models.PositiveIntegerField(null=True, blank=True)
    height_cm = models.PositiveIntegerField(null=True, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A cancelled shipment's AWB may be used again.
            models.UniqueConstraint(
                fields=["courier", "awb"],
                condition=~Q(status="cancelled"),
                name="shipment_awb_per_courier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.courier} {self.awb}"

    @property
    def tracking_link(self) -> str:
        template = self.courier.tracking_url
        return template.replace("{awb}", self.awb) if template and self.awb else ""


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}"


class ShipmentEvent(models.Model):
    """One move of a shipment: who, when, from, to, note (its history, for the timeline)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor_label = models.CharField(max_length=255, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.from_status or '∅'} -> {self.to_status}"
