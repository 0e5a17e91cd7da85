"""An order's timeline, in the merchant's words: its status changes, the money payments
reports (through `callbacks.order_money`), the shipments fulfilment reports (through
`callbacks.fulfilment_timeline`) and the notes, oldest first.

The customer's tracking page shows the same entries minus the internal ones.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from haat.core.money import formatted
from haat.orders import callbacks
from haat.orders.callbacks import OrderMoney, TimelineEntry
from haat.orders.models import Order, OrderNote

S = Order.Status
# What the ledger rows say, per kind (payments' PaymentTransaction.Kind values).
_MONEY = {
    "capture": "Payment of {amount} received",
    "cod_collected": "Cash of {amount} collected on delivery",
    "refund": "Refund of {amount} sent",
    "failure": "A payment attempt of {amount} failed",
}


def _label(status: str) -> str:
    try:
        return str(S(status).label).lower()
    except ValueError:
        return status


def _status_entries(order: Order) -> list[TimelineEntry]:
    rows = list(order.transitions.all())
    # The first history row is the first move (the order's initial status is its `from`),
    # or, for an order placed without one, there is none: the placing is always an entry.
    first = rows[0].from_status or rows[0].to_status if rows else order.status
    entries = [TimelineEntry(order.created_at, "status", f"Placed as {_label(first)}")]
    for t in rows:
        if not t.from_status:
            continue
        text = f"Moved from {_label(t.from_status)} to {_label(t.to_status)}"
        if t.note:
            text += f": “{t.note}”"
        who = (t.actor.get_full_name() or t.actor.email) if t.actor else t.actor_label
        entries.append(TimelineEntry(t.created_at, "status", text, who or "the system"))
    return entries


def _money_entries(money: OrderMoney) -> list[TimelineEntry]:
    entries = []
    for row in money.transactions:
        phrase = _MONEY.get(getattr(row, "kind", ""))
        if phrase is None:
            continue
        amount = formatted(int(row.amount), row.currency, settings.HAAT_LOCALE)
        who = getattr(row, "actor_label", "") or ""
        entries.append(TimelineEntry(row.created_at, "payment", phrase.format(amount=amount), who))
    return entries


def _note_entries(order: Order) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            n.created_at,
            "note",
            n.text,
            (n.author.get_full_name() or n.author.email) if n.author else n.author_label,
            internal=n.visibility == OrderNote.Visibility.INTERNAL,
        )
        for n in order.notes.select_related("author")
    ]


def order_timeline(order: Order, *, money: OrderMoney | None = None) -> list[TimelineEntry]:
    """Every entry, oldest first (`money` when the caller already has it)."""
    money = money if money is not None else callbacks.order_money(order)
    entries: list[TimelineEntry] = [
        *_status_entries(order),
        *_money_entries(money),
        *_note_entries(order),
        *callbacks.fulfilment_timeline(order),
    ]
    entries.sort(key=lambda e: e.at)
    return entries


def timeline_payload(entries: list[TimelineEntry]) -> list[dict[str, Any]]:
    return [
        {"at": e.at, "kind": e.kind, "text": e.text, "who": e.who, "internal": e.internal}
        for e in entries
    ]
