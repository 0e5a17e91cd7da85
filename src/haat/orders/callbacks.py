"""What orders needs from the payments context above it, as narrow callbacks.

Orders sits below payments (docs/architecture.md, Layers) and never imports it. Payments
registers these in `PaymentsConfig.ready()`:

- `order_money`: an order's payments, ledger rows and refunds, for the order page and
  the admin API's order body;
- `pay_url`: the page where the customer pays for an order (in the storefront's order body);
- `order_expired`: called in the transaction that cancels an overdue order, so the
  payments still open for it are closed with it.

Unregistered (payments not installed), an order has no money rows, no pay page and
nothing to close.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from haat.orders.models import Order


@dataclass(frozen=True)
class OrderMoney:
    payments: list[Any]
    transactions: list[Any]
    refunds: list[Any]
    refundable: int  # minor units that can still be refunded
    can_collect: bool  # cash collected on delivery can be recorded now
    # What staff should read about the order's money, in sentences ("Payment of ₹1,299.00
    # arrived after the order was cancelled; refunded automatically.").
    notices: tuple[str, ...] = ()


NO_MONEY = OrderMoney(payments=[], transactions=[], refunds=[], refundable=0, can_collect=False)


@dataclass
class _Registered:
    order_money: Callable[[Order], OrderMoney] | None = None
    pay_url: Callable[[Order], str] | None = None
    order_expired: Callable[[Order], None] | None = None


_registered = _Registered()


def register(
    *,
    order_money: Callable[[Order], OrderMoney],
    pay_url: Callable[[Order], str],
    order_expired: Callable[[Order], None],
) -> None:
    _registered.order_money = order_money
    _registered.pay_url = pay_url
    _registered.order_expired = order_expired


def order_money(order: Order) -> OrderMoney:
    return _registered.order_money(order) if _registered.order_money else NO_MONEY


def pay_url(order: Order) -> str:
    return _registered.pay_url(order) if _registered.pay_url else ""


def order_expired(order: Order) -> None:
    if _registered.order_expired:
        _registered.order_expired(order)


# --- fulfilment (above orders): the order page's shipments panel, timeline entries and
# the customer's tracking page -----------------------------------------------------------
@dataclass(frozen=True)
class TimelineEntry:
    """One line of an order's timeline, in the merchant's words."""

    at: Any  # datetime
    kind: str  # "status" | "payment" | "shipment" | "note"
    text: str
    who: str = ""
    internal: bool = False  # staff only (never on the customer's tracking page)


@dataclass
class _Fulfilment:
    panel: Callable[[Any, Order], str] | None = None  # (request, order) -> HTML
    timeline: Callable[[Order], list[TimelineEntry]] | None = None
    tracking_url: Callable[[Order], str] | None = None
    order_cancelled: Callable[[Order], None] | None = None


_fulfilment = _Fulfilment()


def register_fulfilment(
    *,
    panel: Callable[[Any, Order], str],
    timeline: Callable[[Order], list[TimelineEntry]],
    tracking_url: Callable[[Order], str],
    order_cancelled: Callable[[Order], None],
) -> None:
    _fulfilment.panel = panel
    _fulfilment.timeline = timeline
    _fulfilment.tracking_url = tracking_url
    _fulfilment.order_cancelled = order_cancelled


def shipments_cancelled(order: Order) -> None:
    """In the transaction that cancels `order`: fulfilment cancels its shipments that
    have not left."""
    if _fulfilment.order_cancelled:
        _fulfilment.order_cancelled(order)


def tracking_url(order: Order) -> str:
    """The customer's tracking page (absolute when HAAT_BASE_URL is set)."""
    return _fulfilment.tracking_url(order) if _fulfilment.tracking_url else ""


def fulfilment_panel(request: Any, order: Order) -> str:
    return _fulfilment.panel(request, order) if _fulfilment.panel else ""


def fulfilment_timeline(order: Order) -> list[TimelineEntry]:
    return _fulfilment.timeline(order) if _fulfilment.timeline else []
