"""The customer seen through their orders ("customer 360"): the customers list with order
counts, money spent and last order; one customer's profile with orders, COD outcomes and
cancellations; and the dashboard search's orders and customers.

Here and not in `customers`: customers sit below orders and never read them, while every
fact on these pages but the contact details and notes is an order's. The customer rows
themselves are read through `customers.selectors`.

"Spent" is what the customer's confirmed orders came to, less what was refunded on them:
cancelled orders, orders still waiting for payment or confirmation and failed payments
are not money spent. Summed in SQL per currency (nothing converts currencies).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.conf import settings
from django.db.models import Count, F, IntegerField, Max, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from haat.core.money import Money, formatted, money_json
from haat.core.registry import SearchHit
from haat.customers.models import Customer, CustomerNote
from haat.customers.selectors import customer_queryset, customer_with_details
from haat.orders import state
from haat.orders.models import Order, OrderTransition, pk_from_number

PROFILE_ORDERS = 50  # the profile lists this many of each (orders, COD, cancellations)
COD_TYPES = (Order.PaymentType.COD, Order.PaymentType.PARTIAL_COD)
S = Order.Status


def _fmt(amount: int, currency: str) -> str:
    return formatted(amount, currency, settings.HAAT_LOCALE)


# Confirmed and on its way or delivered: money the customer spends. A parcel returned to
# origin was never taken, so it is not spent (nor cash awaited).
SOLD = state.CONFIRMED_OR_LATER - {S.RTO}


def _spent_expression() -> Any:
    return Sum(
        F("total_amount") - F("amount_refunded"),
        filter=Q(status__in=SOLD),
        output_field=IntegerField(),
    )


def _order_stats(customers: list[Customer]) -> None:
    """Set `order_count`, `last_order_at` and `spent` (one amount per currency) on each
    customer, from one query grouped by customer and currency over their orders."""
    for customer in customers:
        customer.order_count, customer.last_order_at, customer.spent = 0, None, []
    by_pk = {c.pk: c for c in customers}
    rows = (
        Order.objects.filter(customer_id__in=list(by_pk))
        .values("customer_id", "currency_id")
        .annotate(n=Count("id"), last=Max("created_at"), spent=_spent_expression())
        .order_by("customer_id", "currency_id")
    )
    for row in rows:
        customer = by_pk[row["customer_id"]]
        customer.order_count += row["n"]
        if customer.last_order_at is None or row["last"] > customer.last_order_at:
            customer.last_order_at = row["last"]
        if row["spent"]:
            customer.spent.append(Money(row["spent"], row["currency_id"]))


class CustomerRows(Sequence[Customer]):
    """The customers list as a lazy sequence for Django's Paginator and the API's
    pagination: counting is one query, a page two (the page of customers, newest first,
    then their orders' figures grouped in one query), whatever its size or depth: the
    figures are computed for the page's customers only, never for the rows an OFFSET
    skips. Each customer of a page carries `order_count`, `last_order_at` and `spent`."""

    def __init__(self, q: str = "") -> None:
        self.queryset = customer_queryset(q)

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Customer: ...
    @overload
    def __getitem__(self, index: slice) -> list[Customer]: ...
    def __getitem__(self, index: int | slice) -> Customer | list[Customer]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        customers = list(self.queryset[index])
        _order_stats(customers)
        return customers

    def __iter__(self) -> Iterator[Customer]:
        return iter(self[:])


# --- one customer ------------------------------------------------------------------------
@dataclass(frozen=True)
class CodOrder:
    """A cash-on-delivery order and what became of it, in words."""

    order: Order
    outcome: str  # "Cash collected", "₹1,200.00 due on delivery", "Cancelled before delivery"
    tone: str  # badge colour: success | warning | danger | muted


@dataclass(frozen=True)
class Cancellation:
    order: Order
    at: datetime
    by: str  # a staff member's name, or "Automatically" for a lapsed payment deadline
    reason: str
    paid: Money  # captured or collected before the cancellation
    refunded: Money


@dataclass(frozen=True)
class CodSummary:
    orders: int = 0
    collected: int = 0
    awaiting: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class CustomerProfile:
    customer: Customer  # addresses and notes prefetched
    order_count: int
    spent: list[Money]
    orders: list[Order]  # newest first, at most PROFILE_ORDERS
    cod: list[CodOrder]
    cod_summary: CodSummary
    cancellations: list[Cancellation]
    cancelled_count: int

    @property
    def more_orders(self) -> int:
        return max(self.order_count - len(self.orders), 0)


def customer_profile(customer_id: int) -> CustomerProfile:
    """Everything the profile page and the admin API show of one customer, in a fixed
    number of queries (customer, addresses, notes, totals, the two order lists,
    cancellations and their history rows). NotFound `customer_not_found` otherwise."""
    customer = customer_with_details(customer_id)
    mine = Order.objects.filter(customer_id=customer.pk)
    per_currency = list(
        mine.values("currency_id")
        .annotate(n=Count("id"), spent=_spent_expression())
        .order_by("currency_id")
    )
    cod = Q(payment_type__in=COD_TYPES)
    counts = mine.aggregate(
        cod=Count("id", filter=cod),
        collected=Count("id", filter=cod & Q(status__in=SOLD, amount_paid__gte=F("total_amount"))),
        awaiting=Count("id", filter=cod & Q(status__in=SOLD, amount_paid__lt=F("total_amount"))),
        cod_cancelled=Count("id", filter=cod & Q(status=S.CANCELLED)),
        cancelled=Count("id", filter=Q(status=S.CANCELLED)),
    )
    newest = mine.order_by("-created_at", "-id")
    return CustomerProfile(
        customer=customer,
        order_count=sum(row["n"] for row in per_currency),
        spent=[
            Money(row["spent"] or 0, row["currency_id"]) for row in per_currency if row["spent"]
        ],
        orders=list(newest[:PROFILE_ORDERS]),
        cod=[cod_outcome(o) for o in newest.filter(cod)[:PROFILE_ORDERS]],
        cod_summary=CodSummary(
            counts["cod"], counts["collected"], counts["awaiting"], counts["cod_cancelled"]
        ),
        cancellations=_cancellations(newest.filter(status=S.CANCELLED)[:PROFILE_ORDERS]),
        cancelled_count=counts["cancelled"],
    )


def cod_outcome(order: Order) -> CodOrder:
    """What became of a cash-on-delivery order, as the merchant says it."""
    cur = order.currency_id
    if order.status == S.CANCELLED:
        return CodOrder(order, "Cancelled before delivery", "muted")
    if order.status == S.PAYMENT_FAILED:
        return CodOrder(order, "Advance payment failed", "danger")
    if order.status == S.PENDING_PAYMENT:
        return CodOrder(order, "Waiting for the advance payment", "warning")
    if order.status == S.PENDING_CONFIRMATION:
        return CodOrder(order, "Waiting for our availability check", "warning")
    if order.amount_paid >= order.total_amount:
        if order.amount_refunded:
            refunded = _fmt(order.amount_refunded, cur)
            return CodOrder(order, f"Cash collected; {refunded} refunded", "success")
        return CodOrder(order, "Cash collected", "success")
    due = _fmt(order.balance_due.amount, cur)
    return CodOrder(order, f"{due} due on delivery", "warning")


def _cancellations(orders: QuerySet[Order]) -> list[Cancellation]:
    cancelled = OrderTransition.objects.filter(to_status=S.CANCELLED).select_related("actor")
    rows = orders.prefetch_related(Prefetch("transitions", cancelled, to_attr="cancelled"))
    out = []
    for order in rows:
        step = order.cancelled[-1] if order.cancelled else None
        cur = order.currency_id
        out.append(
            Cancellation(
                order=order,
                at=step.created_at if step else order.updated_at,
                by=_who(step),
                reason=(step.note if step else "") or order.cancel_reason,
                paid=Money(order.amount_paid, cur),
                refunded=Money(order.amount_refunded, cur),
            )
        )
    return out


def _who(step: OrderTransition | None) -> str:
    if step is None:
        return "Unknown"
    if step.actor is not None:
        return str(step.actor)
    label = step.actor_label
    return "Automatically" if not label or label == "system" else label


# --- the dashboard's search --------------------------------------------------------------
def search_orders(q: str, limit: int) -> list[SearchHit]:
    """The order numbered `q` ("HT-10042" or "10042"): one query, or none for other text."""
    pk = pk_from_number(q)
    if not pk:
        return []
    order = Order.objects.select_related("customer").filter(pk=pk).first()
    if order is None:
        return []
    when = timezone.localtime(order.created_at).strftime("%d %b %Y")
    total = _fmt(order.total_amount, order.currency_id)
    detail = f"{order.name or order.customer} · {order.get_status_display()} · {total} · {when}"
    url = reverse("orders:order_detail", args=[order.number])
    return [SearchHit(order.number, detail, url)][:limit]


def search_customers(q: str, limit: int) -> list[SearchHit]:
    """Customers by name, e-mail or phone (`customers.selectors.search_condition`), newest
    first, with their order count: two queries."""
    hits = []
    for c in CustomerRows(q)[:limit]:
        orders = f"{c.order_count} order{'s' if c.order_count != 1 else ''}"
        contact = " · ".join(x for x in (c.email, c.phone) if x)
        hits.append(
            SearchHit(
                c.name or c.email,
                f"{contact} · {orders}",
                reverse("orders:customer_detail", args=[c.pk]),
            )
        )
    return hits


# --- the admin API's shapes ----------------------------------------------------------------
def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _money(m: Money) -> dict[str, Any]:
    return money_json(m.amount, m.currency)


def note_payload(note: CustomerNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "body": note.body,
        "author": note.author_name,
        "created_at": note.created_at.isoformat(),
    }


def profile_payload(profile: CustomerProfile) -> dict[str, Any]:
    """The profile as the admin API replies it (`CustomerOut`): the same facts as the page."""
    c = profile.customer
    s = profile.cod_summary
    return {
        "id": c.pk,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "created_at": c.created_at.isoformat(),
        "order_count": profile.order_count,
        "spent": [_money(m) for m in profile.spent],
        "addresses": [
            {
                "name": a.name,
                "phone": a.phone,
                "line1": a.line1,
                "line2": a.line2,
                "city": a.city,
                "state": a.state,
                "postal_code": a.postal_code,
                "country": a.country,
            }
            for a in c.addresses.all()
        ],
        "notes": [note_payload(n) for n in c.notes.all()],
        "orders": [
            {
                "number": o.number,
                "status": o.status,
                "status_label": o.get_status_display(),
                "payment_type": o.payment_type,
                "total": money_json(o.total_amount, o.currency_id),
                "created_at": o.created_at.isoformat(),
            }
            for o in profile.orders
        ],
        "cod": {
            "orders": s.orders,
            "collected": s.collected,
            "awaiting_delivery": s.awaiting,
            "cancelled": s.cancelled,
            "recent": [
                {
                    "number": x.order.number,
                    "total": money_json(x.order.total_amount, x.order.currency_id),
                    "outcome": x.outcome,
                    "created_at": x.order.created_at.isoformat(),
                }
                for x in profile.cod
            ],
        },
        "cancelled_count": profile.cancelled_count,
        "cancellations": [
            {
                "number": x.order.number,
                "at": x.at.isoformat(),
                "by": x.by,
                "reason": x.reason,
                "paid": _money(x.paid),
                "refunded": _money(x.refunded),
            }
            for x in profile.cancellations
        ],
    }
