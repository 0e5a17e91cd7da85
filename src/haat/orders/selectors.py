"""Order reads for the storefront, the admin API and the dashboard (no N+1)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from haat.core.errors import NotFound
from haat.core.money import Money, money_json
from haat.core.store import store
from haat.inventory.models import StockHold, StockMovement
from haat.inventory.selectors import holds_for_owner, movements_for_reference
from haat.orders import callbacks
from haat.orders.callbacks import OrderMoney
from haat.orders.error_codes import OrderError
from haat.orders.models import Order, OrderLine, OrderTransition, pk_from_number
from haat.tax.gst import Treatment


class LineLike(Protocol):
    sku: str
    product_title: str
    option_values: dict[str, Any]
    quantity: int
    unit_amount: int
    backordered: int
    ships_on: date | None
    taxable_amount: int
    gst_rate: int
    cess_rate: Decimal
    cgst_amount: int
    sgst_amount: int
    igst_amount: int
    cess_amount: int


def order_payload(order: Order, lines: Iterable[LineLike]) -> dict[str, Any]:
    """The order as a customer sees it (also stored as the idempotent checkout reply), so
    it is plain JSON: no datetimes, no Decimals."""
    cur = order.currency_id
    lines = list(lines)
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
                "unit_price": money_json(line.unit_amount, cur),
                "line_total": money_json(line.unit_amount * line.quantity, cur),
                "backordered": getattr(line, "backordered", 0),
                "ships_on": _day(getattr(line, "ships_on", None)),
                "tax": {
                    "taxable": money_json(line.taxable_amount, cur),
                    "rate": line.gst_rate,
                    "cess_rate": f"{Decimal(line.cess_rate):.2f}",
                    "cgst": money_json(line.cgst_amount, cur),
                    "sgst": money_json(line.sgst_amount, cur),
                    "igst": money_json(line.igst_amount, cur),
                    "cess": money_json(line.cess_amount, cur),
                },
            }
            for line in lines
        ],
        "subtotal": money_json(order.subtotal_amount, cur),
        "tax": order_tax_payload(order, lines),
        "shipping": money_json(order.shipping_amount, cur),
        "shipping_method": _shipping_method(order),
        "total": money_json(order.total_amount, cur),
        "amounts": amounts_payload(order),
        "payment_status": order.payment_status,
        "express_sourcing": order.express_sourcing,
        "sourcing_due_at": _iso(order.sourcing_due_at),
        "confirm_by": _iso(order.confirm_by),
        "pay_by": _iso(order.pay_by),
        "cancel_reason": order.cancel_reason,
        "created_at": order.created_at.isoformat(),
    }


def order_tax_payload(order: Order, lines: list[LineLike]) -> dict[str, Any]:
    """The order's GST as `tax.schemas.TaxOut`: the heads summed over its lines."""
    cur = order.currency_id
    treatment = order.tax_treatment
    return {
        "prices_include_tax": order.prices_include_tax,
        "treatment": treatment,
        "note": Treatment(treatment).sentence if treatment else "No GST was computed.",
        "place_of_supply": order.place_of_supply,
        "taxable": money_json(sum(line.taxable_amount for line in lines), cur),
        "cgst": money_json(sum(line.cgst_amount for line in lines), cur),
        "sgst": money_json(sum(line.sgst_amount for line in lines), cur),
        "igst": money_json(sum(line.igst_amount for line in lines), cur),
        "cess": money_json(sum(line.cess_amount for line in lines), cur),
        "amount": money_json(order.tax_amount, cur),
        "added": money_json(order.tax_added_amount, cur),
    }


def order_gst(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    """The order page's GST rows: each head summed over the lines (minor units), the
    treatment in words, and whether the total includes the tax or adds it."""
    treatment = order.tax_treatment
    return {
        "computed": bool(treatment),
        "charged": treatment in (Treatment.INTRA_STATE, Treatment.INTER_STATE),
        "note": Treatment(treatment).sentence if treatment else "",
        "included": order.prices_include_tax,
        "cgst": sum(line.cgst_amount for line in lines),
        "sgst": sum(line.sgst_amount for line in lines),
        "igst": sum(line.igst_amount for line in lines),
        "cess": sum(line.cess_amount for line in lines),
        "place_of_supply": order.place_of_supply,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | str | None) -> str | None:
    """A promised date as ISO text (an idempotent reply stores it as text already)."""
    return value.isoformat() if isinstance(value, date) else value


def _shipping_method(order: Order) -> dict[str, Any] | None:
    """The shipping option chosen at checkout, as sold (None before shipping zones)."""
    if not getattr(order, "shipping_service", ""):
        return None
    return {
        "service": order.shipping_service,
        "label": order.shipping_label,
        "estimated_delivery_earliest": _day(order.delivery_earliest),
        "estimated_delivery_latest": _day(order.delivery_latest),
    }


def amounts_payload(order: Order) -> dict[str, Any]:
    """What the order costs and how it is paid: pay_now (online) + pay_on_delivery =
    total; balance = what is still owed (`Order.balance_due`: nothing once cancelled)."""
    cur = order.currency_id
    return {
        "total": money_json(order.total_amount, cur),
        "cod_fee": money_json(order.cod_fee_amount, cur),
        "express": money_json(order.express_amount, cur),
        "pay_now": money_json(order.amount_due_online, cur),
        "pay_on_delivery": money_json(order.amount_due_on_delivery, cur),
        "paid": money_json(order.amount_paid, cur),
        "refunded": money_json(order.amount_refunded, cur),
        "balance": money_json(order.balance_due.amount, cur),
    }


def order_by_token(*, token: str) -> Order:
    order = (
        Order.objects.prefetch_related("lines").filter(token=str(token)[:32]).first()
        if token
        else None
    )
    if order is None:
        raise NotFound("No order with this link.", code=OrderError.ORDER_NOT_FOUND)
    return order


def find_order(number: str, queryset: QuerySet[Order] | None = None) -> Order:
    """The order numbered `number` (`HT-10042` or `10042`) from `queryset` (default: the
    bare order); 404 `order_not_found` otherwise."""
    pk = pk_from_number(number)
    order = (queryset if queryset is not None else Order.objects).filter(pk=pk).first()
    if not pk or order is None:
        raise NotFound(f"No order {number}.", code=OrderError.ORDER_NOT_FOUND)
    return order


def order_by_number(number: str) -> Order:
    """The order with what its detail page and reply show."""
    return find_order(
        number,
        Order.objects.select_related("customer").prefetch_related(
            "lines",
            Prefetch("transitions", queryset=OrderTransition.objects.select_related("actor")),
        ),
    )


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def home_figures(user: object) -> dict[str, Any]:
    """The dashboard home's order cards: orders placed today (in the store's time zone; the
    same orders the list shows for today's date) with sales per currency (cancelled orders
    left out), and the orders waiting on someone."""
    today = timezone.localdate()
    placed = Order.objects.filter(created_at__gte=_day_start(today))
    sales = [
        Money(row["total"], row["currency_id"])
        for row in placed.exclude(status=Order.Status.CANCELLED)
        .values("currency_id")
        .annotate(total=Sum("total_amount"))
        .order_by("currency_id")
    ]
    waiting = Order.objects.aggregate(
        pending_payment=Count("id", filter=Q(status=Order.Status.PENDING_PAYMENT)),
        pending_confirmation=Count("id", filter=Q(status=Order.Status.PENDING_CONFIRMATION)),
        on_team=Count("id", filter=Q(status__in=list(NEXT_STEP))),
    )
    return {"today": placed.count(), "day": today, "sales_today": sales, **waiting}


@dataclass(frozen=True)
class SalesDay:
    day: date
    orders: int
    revenue: Money


@dataclass(frozen=True)
class SalesSeries:
    """One currency's orders and revenue per day (amounts in different currencies are never
    added: each currency has its own series)."""

    currency: str
    days: list[SalesDay]

    @property
    def orders(self) -> int:
        return sum(d.orders for d in self.days)

    @property
    def revenue(self) -> Money:
        return Money(sum(d.revenue.amount for d in self.days), self.currency)

    @property
    def chart(self) -> dict[str, Any]:
        """What the chart script draws: revenue as decimal strings in major units (the chart
        only plots them; the words come formatted from here)."""
        return {
            "currency": self.currency,
            "labels": [f"{d.day.day} {d.day:%b}" for d in self.days],
            "orders": [d.orders for d in self.days],
            "revenue": [f"{d.revenue.to_decimal():f}" for d in self.days],
            "revenueText": [
                money_json(d.revenue.amount, self.currency)["formatted"] for d in self.days
            ],
        }


def sales_by_day(*, days: int = 30, now: datetime | None = None) -> list[SalesSeries]:
    """Orders placed (cancelled ones left out) and their totals per day of the store's time
    zone, for the last `days` days up to today, per currency: ONE query, grouped in SQL (a
    23:30 IST order counts on its IST day, not on the UTC one)."""
    tz = zoneinfo.ZoneInfo(store().time_zone)
    today = (now or timezone.now()).astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    rows = (
        Order.objects.filter(created_at__gte=datetime.combine(first, time.min, tzinfo=tz))
        .exclude(status=Order.Status.CANCELLED)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "currency_id")
        .annotate(orders=Count("id"), revenue=Sum("total_amount"))
        .order_by()
    )
    found: dict[str, dict[date, tuple[int, int]]] = {}
    for row in rows:
        found.setdefault(row["currency_id"], {})[row["day"]] = (row["orders"], row["revenue"])
    calendar = [first + timedelta(days=i) for i in range(days)]
    return [
        SalesSeries(
            currency,
            [
                SalesDay(
                    day, by_day.get(day, (0, 0))[0], Money(by_day.get(day, (0, 0))[1], currency)
                )
                for day in calendar
            ],
        )
        for currency, by_day in sorted(
            found.items(), key=lambda item: -sum(n for n, _ in item[1].values())
        )
    ]


def sales_chart(user: object) -> dict[str, Any]:
    """The dashboard home's 30-day chart: a series per currency, busiest first."""
    return {"series": sales_by_day(days=30), "days": 30}


WAITING_SHOWN = 8
# What the team does next for an order in each status, in pipeline order.
NEXT_STEP = {
    Order.Status.PENDING_CONFIRMATION: "check availability",
    Order.Status.CONFIRMED: "start processing",
    Order.Status.PROCESSING: "pack",
    Order.Status.PACKED: "ship",
}


def waiting_on_team(user: object) -> dict[str, Any]:
    """Orders the team must act on (check availability, process, pack, ship), the
    nearest deadline first, then the oldest; how many wait at each step (two queries)."""
    qs = Order.objects.filter(status__in=list(NEXT_STEP))
    shown = list(
        qs.only(
            "id",
            "name",
            "email",
            "currency",
            "total_amount",
            "confirm_by",
            "created_at",
            "express_sourcing",
            "status",
        ).order_by(F("confirm_by").asc(nulls_last=True), "created_at", "id")[:WAITING_SHOWN]
    )
    for order in shown:
        order.next_step = NEXT_STEP[order.status]
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    steps = [
        {"status": status, "label": step, "count": by_status[status]}
        for status, step in NEXT_STEP.items()
        if by_status.get(status)
    ]
    return {
        "orders": shown,
        "count": sum(by_status.values()),
        "steps": steps,
        "now": timezone.now(),
    }


def order_queryset(filters: OrderFilters) -> QuerySet[Order]:
    """Orders newest first, filtered by status, text (number, e-mail, phone, name) and
    store-local date range; the customer joined, `line_count` and `item_count` counted
    in SQL (correlated subqueries: no join that would multiply the rows)."""
    lines = OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
    qs = Order.objects.select_related("customer").annotate(
        line_count=Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), 0),
        item_count=Coalesce(Subquery(lines.annotate(n=Sum("quantity")).values("n")), 0),
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
    """Holds owned by the order and the ledger rows that reference it: its sales and the
    restocks of a cancellation (two queries)."""
    holds = holds_for_owner(owner_type="order", owner_id=str(order.pk))
    movements = movements_for_reference(order.number)
    sales = [m for m in movements if m.reason == StockMovement.Reason.SALE]
    return OrderStock(holds, sales, [m for m in movements if m not in sales])


@dataclass(frozen=True)
class StockBack:
    sku: str
    quantity: int
    location: str


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling the order would do, for the confirmation step."""

    back_on_sale: list[StockBack]  # units sold to the order, put back
    released: list[StockBack]  # units held for the order, released
    paid: Money  # paid and not refunded: staff refund it after cancelling
    still_owed: Money  # no longer asked for


def cancel_preview(order: Order) -> CancelPreview:
    """The consequences of cancelling `order` now (two queries)."""
    stock = order_stock(order)
    sold = [StockBack(m.variant.sku, -m.quantity, m.location.name) for m in stock.sales]
    held = [
        StockBack(h.variant.sku, h.quantity, h.location.name)
        for h in stock.holds
        if h.status == StockHold.Status.ACTIVE
    ]
    cur = order.currency_id
    paid = Money(max(order.amount_paid - order.amount_refunded, 0), cur)
    return CancelPreview(sold, held, paid, order.balance_due)


def money_payload(order: Order, data: OrderMoney) -> dict[str, Any]:
    cur = order.currency_id
    return {
        "refundable": money_json(data.refundable, cur),
        "payments": [
            {
                "id": p.pk,
                "gateway": p.gateway,
                "purpose": p.purpose,
                "status": p.status,
                "amount": money_json(p.amount, p.currency),
                "gateway_order_id": p.gateway_order_id,
                "gateway_payment_id": p.gateway_payment_id,
                "failure_reason": p.failure_reason,
                "expires_at": _iso(p.expires_at),
                "created_at": p.created_at.isoformat(),
            }
            for p in data.payments
        ],
        "transactions": [
            {
                "id": t.pk,
                "kind": t.kind,
                "amount": t.amount,
                "currency": t.currency,
                "gateway": t.gateway,
                "gateway_reference": t.gateway_reference,
                "actor": t.actor_label,
                "created_at": t.created_at.isoformat(),
            }
            for t in data.transactions
        ],
        "refunds": [
            {
                "id": r.pk,
                "amount": money_json(r.amount, r.currency),
                "status": r.status,
                "method": r.method,
                "reference": r.reference,
                "reason": r.reason,
                "lines": r.lines,
                "created_at": r.created_at.isoformat(),
            }
            for r in data.refunds
        ],
        "money_notices": list(data.notices),
    }


def order_admin_payload(order: Order) -> dict[str, Any]:
    """Everything staff see of an order through the admin API: lines with availability,
    money (from payments, through `callbacks.order_money`), customer, status history,
    holds and stock movements."""
    stock = order_stock(order)
    lines = list(order.lines.all())
    body = order_payload(order, lines)
    for out, line in zip(body["lines"], lines, strict=True):
        out.update(id=line.pk, availability=line.availability)
    body.update(money_payload(order, callbacks.order_money(order)))
    body.update(
        customer={
            "id": order.customer_id,
            "name": order.customer.name,
            "email": order.customer.email,
            "phone": order.customer.phone,
        },
        history=[
            {
                "from": t.from_status,
                "to": t.to_status,
                "actor": t.actor_label,
                "note": t.note,
                "at": t.created_at.isoformat(),
            }
            for t in order.transitions.all()
        ],
        holds=[
            {
                "variant_id": h.variant_id,
                "location": h.location.code,
                "quantity": h.quantity,
                "status": h.status,
                "expires_at": h.expires_at.isoformat(),
            }
            for h in stock.holds
        ],
        movements=[
            {
                "sku": m.variant.sku,
                "location": m.location.code,
                "quantity": m.quantity,
                "reason": m.reason,
                "at": m.created_at.isoformat(),
            }
            for m in stock.sales + stock.restocks
        ],
    )
    return body
