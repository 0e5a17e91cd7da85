"""Shipping zones, their rates per currency, serviceable PIN codes, the Shiprocket account.

A zone says where (countries, Indian states, PIN prefixes) and whether cash on delivery is
offered there; its rates say how much per currency and service (standard, express), how
long, and from which order value delivery is free. Money is in minor units of the rate's
currency (no exchange rates: the merchant sets a price per currency, as for products).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q


class Zone(models.Model):
    name = models.CharField(max_length=120)
    # ISO 3166-1 alpha-2 codes; empty with no states and no prefixes = everywhere else.
    countries = models.JSONField(default=list, blank=True)
    # Indian state names as `core.india.INDIAN_STATES` spells them (destination country IN).
    states = models.JSONField(default=list, blank=True)
    # Leading digits of Indian PIN codes ("302", "3020"), 1 to 6 digits.
    pin_prefixes = models.JSONField(default=list, blank=True)
    # Among zones equally specific for an address, the lower number wins.
    priority = models.PositiveIntegerField(default=100)
    cod_allowed = models.BooleanField(default=True)
    # Orders placed after this time (store time zone) leave the next business day.
    cutoff_time = models.TimeField(default=datetime.time(14, 0))
    # Business days are Monday to Saturday (Indian couriers do not deliver on Sundays).
    business_days_only = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


class Rate(models.Model):
    """What one service costs in one currency in one zone, and how long it takes."""

    class Service(models.TextChoices):
        STANDARD = "standard", "Standard delivery"
        EXPRESS = "express", "Express delivery"

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="rates")
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=16, choices=Service.choices, default=Service.STANDARD)
    # The price when the rate has no weight slabs (minor units).
    amount = models.BigIntegerField(default=0)
    # Orders worth at least this much ship free (null: never free).
    free_above = models.BigIntegerField(null=True, blank=True)
    # The rate is offered only for order values within [min_order, max_order].
    min_order = models.BigIntegerField(null=True, blank=True)
    max_order = models.BigIntegerField(null=True, blank=True)
    days_min = models.PositiveSmallIntegerField(default=3)
    days_max = models.PositiveSmallIntegerField(default=5)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["zone_id", "currency_id", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "currency", "service"], name="shipping_one_rate_per_service"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="shipping_rate_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(free_above__isnull=True) | Q(free_above__gte=0),
                name="shipping_rate_free_above_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(days_max__gte=F("days_min")), name="shipping_rate_days_ordered"
            ),
            models.CheckConstraint(
                condition=Q(min_order__isnull=True)
                | Q(max_order__isnull=True)
                | Q(max_order__gte=F("min_order")),
                name="shipping_rate_order_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.service} {self.currency_id}"


class WeightSlab(models.Model):
    """A weight band of a rate: parcels up to `max_grams` cost `amount`. Heavier than the
    heaviest slab: the rate is not offered (the merchant has not priced it)."""

    rate = models.ForeignKey(Rate, on_delete=models.CASCADE, related_name="slabs")
    max_grams = models.PositiveIntegerField()
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["rate_id", "max_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["rate", "max_grams"], name="shipping_one_slab_per_weight"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="shipping_slab_amount_gte_0"),
            models.CheckConstraint(condition=Q(max_grams__gt=0), name="shipping_slab_grams_gt_0"),
        ]

    def __str__(self) -> str:
        return f"up to {self.max_grams} g"


class ServiceablePin(models.Model):
    """A PIN code the merchant's couriers reach, from the merchant's CSV upload."""

    pin = models.CharField(max_length=6, unique=True)
    prepaid = models.BooleanField(default=True)
    cod = models.BooleanField(default=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pin"]

    def __str__(self) -> str:
        return self.pin


class ShiprocketAccount(models.Model):
    """The store's Shiprocket API user (one row, pk=1). The password and the login token are
    encrypted (`core.crypto`); the token is renewed before its ten days run out."""

    email = models.EmailField(blank=True)
    password_encrypted = models.TextField(blank=True)
    pickup_postcode = models.CharField(max_length=6, blank=True)
    is_enabled = models.BooleanField(default=False)
    token_encrypted = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Shiprocket"
