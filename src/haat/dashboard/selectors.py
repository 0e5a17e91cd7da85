"""Figures for the dashboard home page, aggregated in SQL, each only for roles that may
see that part of the store."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Q, Sum
from django.utils import timezone

from haat.accounts.roles import Perm
from haat.catalog.models import Category, Collection, Product, Variant
from haat.core.models import AuditLogEntry, Currency
from haat.core.money import Money
from haat.inventory.selectors import low_stock_queryset, out_of_stock_queryset
from haat.orders.models import Order


def home_figures(user) -> dict:
    figures: dict = {}
    if user.can(Perm.CATALOG_VIEW):
        figures.update(catalog_figures())
    if user.can(Perm.ORDERS_VIEW):
        figures["orders"] = order_figures()
    if user.can(Perm.INVENTORY_VIEW):
        figures["stock"] = {
            "low": low_stock_queryset().count(),
            "out": out_of_stock_queryset().count(),
        }
    if user.can(Perm.AUDIT_VIEW):
        figures["recent_activity"] = list(
            AuditLogEntry.objects.only("created_at", "actor_label", "action", "object_repr")[:8]
        )
    return figures


def catalog_figures() -> dict:
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
        "products_without_price": Product.objects.filter(status=Product.Status.ACTIVE)
        .exclude(variants__prices__isnull=False)
        .count(),
    }


def order_figures() -> dict:
    """Today's orders (in the store's time zone) with sales per currency, and the orders
    waiting on someone."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    today = Order.objects.filter(created_at__gte=start).exclude(status=Order.Status.CANCELLED)
    sales = [
        Money(row["total"], row["currency_id"])
        for row in today.values("currency_id").annotate(total=Sum("total_amount"))
    ]
    waiting = Order.objects.aggregate(
        pending_payment=Count("id", filter=Q(status=Order.Status.PENDING_PAYMENT)),
        pending_confirmation=Count("id", filter=Q(status=Order.Status.PENDING_CONFIRMATION)),
    )
    return {"today": today.count(), "sales_today": sales, **waiting}
