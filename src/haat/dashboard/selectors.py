"""Figures for the dashboard home page, aggregated in SQL."""

from __future__ import annotations

from django.db.models import Count, Q

from haat.catalog.models import Category, Collection, Product, Variant
from haat.core.models import AuditLogEntry, Currency


def home_figures() -> dict:
    products = Product.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Product.Status.ACTIVE)),
        draft=Count("id", filter=Q(status=Product.Status.DRAFT)),
        archived=Count("id", filter=Q(status=Product.Status.ARCHIVED)),
    )
    return {
        "products": products,
        "variants": Variant.objects.count(),
        "categories": Category.objects.count(),
        "collections": Collection.objects.count(),
        "currencies": list(Currency.objects.filter(enabled=True).values_list("code", flat=True)),
        "recent_activity": list(
            AuditLogEntry.objects.only("created_at", "actor_label", "action", "object_repr")[:8]
        ),
        "products_without_price": Product.objects.filter(status=Product.Status.ACTIVE)
        .exclude(variants__prices__isnull=False)
        .count(),
    }
