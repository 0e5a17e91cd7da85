"""How the audit log reads order actions and names orders (see `haat.core.audit_words`):
orders by number, linked to the order page; statuses in words. Also customers, whose
pages are orders' (`customer_views.py`): by name, linked to their profile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase
from haat.customers.models import Customer
from haat.orders.models import NUMBER_OFFSET, NUMBER_PREFIX, Order, OrderLine

ORDER = "orders.order"
CUSTOMER = "customers.customer"


def _customers(ids: list[str]) -> Mapping[str, Named]:
    rows = Customer.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).values_list(
        "pk", "name", "email"
    )
    return {
        str(pk): Named(name or email, reverse("orders:customer_detail", args=[pk]))
        for pk, name, email in rows
    }


def _note(e: Entry) -> list[str]:
    return [f"Note: {e.changes['note']}"] if e.changes.get("note") else []


def _orders(ids: list[str]) -> Mapping[str, Named]:
    rows = Order.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).values_list(
        "pk", "currency_id"
    )
    out = {}
    for pk, currency in rows:
        number = f"{NUMBER_PREFIX}{NUMBER_OFFSET + pk}"
        out[str(pk)] = Named(
            number, reverse("orders:order_detail", args=[number]), {"currency": currency}
        )
    return out


def status_words(status: object) -> str:
    try:
        return str(Order.Status(status).label)
    except ValueError:
        return str(status or "—").replace("_", " ")


def _cancel(e: Entry) -> list[str]:
    rows = []
    status = e.changes.get("status")
    if isinstance(status, list) and len(status) == 2:
        rows.append(f"Status: {status_words(status[0])} → {status_words(status[1])}")
    if e.changes.get("note"):
        rows.append(f"Note: {e.changes['note']}")
    return rows


def _availability(value: Any) -> str:
    try:
        return str(OrderLine.Availability(value).label)
    except (AttributeError, ValueError):
        return str(value or "not asked").replace("_", " ")


def _line_availability(e: Entry) -> list[str]:
    old, new = e.changes.get("availability") or [None, None]
    return [f"{e.changes.get('sku')}: {_availability(old)} → {_availability(new)}"]


def _lines_removed(e: Entry) -> list[str]:
    return [
        f"Removed {line.get('quantity')} × {line.get('sku')}"
        for line in e.changes.get("lines") or []
        if isinstance(line, dict)
    ]


def _order_note(e: Entry) -> list[str]:
    where = "Shown to the customer" if e.changes.get("visibility") == "customer" else "Staff only"
    return [f"{where}: {e.changes.get('note', '')}"]


WORDS = AuditWords(
    phrases={
        "order.cancel": Phrase("cancelled {object}", _cancel),
        "order.status": Phrase("changed the status of {object}", _cancel),
        "order.note": Phrase("added a note to {object}", _order_note),
        "order.line_availability": Phrase(
            "answered whether a line of {object} is available", _line_availability
        ),
        "order.revived": "revived {object}: its payment arrived late and the stock was still there",
        "order.lines_removed": Phrase("removed unavailable lines from {object}", _lines_removed),
        "customer.note_added": Phrase("added a note about {object}", _note),
    },
    kinds=(ObjectKind(ORDER, "order", _orders), ObjectKind(CUSTOMER, "customer", _customers)),
)
