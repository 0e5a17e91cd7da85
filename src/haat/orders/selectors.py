"""Order reads for the storefront, the admin API and the dashboard (no N+1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from haat.core.errors import NotFound
from haat.core.money import Money
from haat.inventory.models import StockHold, StockMovement
from haat.orders.models import Order, OrderLine, OrderTransition, pk_from_number


class LineLike(Protocol):
    sku: str
    product_title: str
    option_values: dict[str, Any]
    quantity: int
    unit_amount: int


def money(amount: int, currency: str) -> dict[str, Any]:
    value = Money(int(amount), currency)
    return {
        "amount": value.amount,
        "currency": value.currency,
        "formatted": value.format(settings.HAAT_LOCALE),
    }


def order_payload(order: Order, lines: Iterable[LineLike]) -> dict[str, Any]:
    """The order as a customer sees it (also stored as the idempotent checkout reply), so
    it is plain JSON: no datetimes, no Decimals."""
    cur = order.currency_id
    return {
        "number": order.number,
        "token": order.token,
        "status": order.status,
        "payment_type": order.payment_type,
        "email": order.email,
        "phone": order.phone,
        "name": order.name,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "currency": cur,
        "lines": [
            {
                "sku": line.sku,
                "product_title": line.product_title,
                "variant_title": " / ".join(map(str, line.option_values.values())) or "Default",
                "option_values": line.option_values,
                "quantity": line.quantity,
                "unit_price": money(line.unit_amount, cur),
                "line_total": money(line.unit_amount * line.quantity, cur),
            }
            for line in lines
        ],
        "subtotal": money(order.subtotal_amount, cur),
        "shipping": money(order.shipping_amount, cur),
        "total": money(order.total_amount, cur),
        "created_at": order.created_at.isoformat(),
    }


def order_by_token(*, token: str) -> Order:
    order = (
        Order.objects.prefetch_related("lines").filter(token=str(token)[:32]).first()
        if token
        else None
    )
    if order is None:
        raise NotFound("No order with this link.", code="order_not_found")
    return order


def order_by_number(number: str) -> Order:
    pk = pk_from_number(number)
    order = (
        Order.objects.select_related("customer")
        .prefetch_related(
            "lines",
            Prefetch("transitions", queryset=OrderTransition.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if order is None:
        raise NotFound(f"No order {number}.", code="order_not_found")
    return order


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def order_queryset(filters: OrderFilters) -> QuerySet[Order]:
    """Orders newest first, filtered by status, text (number, e-mail, phone, name) and
    store-local date range; the customer joined and the line count annotated."""
    qs = Order.objects.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.only("id", "order_id", "quantity"))
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    q = filters.q.strip()
    if q:
        cond = Q(email__icontains=q) | Q(phone__icontains=q) | Q(name__icontains=q)
        pk = pk_from_number(q)
        if pk:
            cond |= Q(pk=pk)
        qs = qs.filter(cond)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class OrderStock:
    holds: list[StockHold]
    sales: list[StockMovement]
    restocks: list[StockMovement]


def order_stock(order: Order) -> OrderStock:
    """Holds owned by the order and the ledger rows that reference it (two queries)."""
    holds = list(
        StockHold.objects.filter(owner_type="order", owner_id=str(order.pk))
        .select_related("location")
        .order_by("id")
    )
    movements = list(
        StockMovement.objects.filter(
            Q(reference=order.number) | Q(note__startswith=f"Order {order.number} cancelled")
        )
        .select_related("location", "variant")
        .order_by("id")
    )
    sales = [m for m in movements if m.reason == StockMovement.Reason.SALE]
    return OrderStock(holds, sales, [m for m in movements if m not in sales])
