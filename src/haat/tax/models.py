"""GST rates assigned to categories and products, and the store's tax settings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from haat.tax.gst import GST_SLABS, MAX_CESS

_SLAB = Q(rate__in=GST_SLABS)
_CESS = Q(cess__gte=0) & Q(cess__lte=MAX_CESS)


class TaxSettings(models.Model):
    """The store's one row (pk=1): whether prices include GST, and the rate of products
    that neither they nor any of their categories have a rate for."""

    prices_include_tax = models.BooleanField(default=True)
    default_rate = models.PositiveSmallIntegerField(default=18)
    default_cess = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "tax settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="tax_settings_single_row"),
            models.CheckConstraint(
                condition=Q(default_rate__in=GST_SLABS), name="tax_settings_rate_slab"
            ),
            models.CheckConstraint(
                condition=Q(default_cess__gte=0) & Q(default_cess__lte=MAX_CESS),
                name="tax_settings_cess_range",
            ),
        ]

    def __str__(self) -> str:
        return "Tax settings"


class GstRate(models.Model):
    """A GST rate (a slab) and cess (percent) for one category (its products and those of
    its subcategories) or one product (overriding its categories)."""

    category = models.OneToOneField(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.OneToOneField(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rate = models.PositiveSmallIntegerField()
    cess = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(category__isnull=True) & Q(product__isnull=False))
                | (Q(category__isnull=False) & Q(product__isnull=True)),
                name="gst_rate_one_target",
            ),
            models.CheckConstraint(condition=_SLAB, name="gst_rate_slab"),
            models.CheckConstraint(condition=_CESS, name="gst_rate_cess_range"),
        ]

    def __str__(self) -> str:
        return f"{self.rate} % GST"
