"""How the audit log reads stock and location changes (see `haat.core.audit_words`):
"KL-KUR-004-L at Andheri store: +5 (Receipt / restock)", locations by name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse

from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase, field_changes
from haat.inventory.models import Location, StockMovement

LOCATION = "inventory.location"
VARIANT = "catalog.variant"  # named by the catalog's vocabulary


def _locations(ids: list[str]) -> Mapping[str, Named]:
    rows = Location.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {
        str(pk): Named(name, reverse("inventory:location_edit", args=[pk]))
        for pk, name in rows.values_list("pk", "name")
    }


def _lines(changes: dict[str, Any]) -> list[dict[str, Any]]:
    lines = changes.get("lines")
    return [x for x in lines if isinstance(x, dict)] if isinstance(lines, list) else []


def _line_refs(changes: dict[str, Any]) -> Iterable[tuple[str, object]]:
    for line in _lines(changes):
        yield VARIANT, line.get("variant_id")
        yield LOCATION, line.get("location_id")


def _reason(code: object) -> str:
    try:
        return str(StockMovement.Reason(code).label)
    except ValueError:
        return str(code or "").replace("_", " ")


def stock_sentences(e: Entry) -> list[str]:
    """One sentence per stock line: "SKU at Location: +5 (Receipt / restock) — note"."""
    rows = []
    for line in _lines(e.changes):
        sku = e.names.label(VARIANT, line.get("variant_id"), "a variant")
        where = e.names.label(LOCATION, line.get("location_id"), "a location")
        qty = int(line.get("quantity") or 0)
        sign = "+" if qty > 0 else "−"  # a true minus sign, not a hyphen
        text = f"{sku} at {where}: {sign}{abs(qty)}" if qty else f"{sku} at {where}"
        reason = _reason(line.get("reason")) if line.get("reason") else ""
        if reason:
            text += f" ({reason})"
        if line.get("note"):
            text += f" — {line['note']}"
        rows.append(text)
    return rows


def _bulk_sentences(e: Entry) -> list[str]:
    rows = []
    for row in e.changes.get("rows") or []:
        if isinstance(row, dict):
            rows.append(
                f"{row.get('sku')} at {row.get('location')}: {row.get('from')} → {row.get('to')}"
            )
    if e.changes.get("note"):
        rows.append(f"Note: {e.changes['note']}")
    return rows


def _threshold(e: Entry) -> list[str]:
    old, new = e.changes.get("threshold") or [None, None]
    show = [("the store default" if v is None else str(v)) for v in (old, new)]
    return [f"Low-stock alert at {show[0]} → {show[1]}"]


def _policy_words(policy: object) -> str:
    if not isinstance(policy, dict):
        return "not sold beyond stock"
    mode = "pre-order" if policy.get("mode") == "pre_order" else "backorder"
    when = (
        f"ships {policy['ships_on']}"
        if policy.get("ships_on")
        else f"ships in {policy.get('ships_in_days')} days"
    )
    return f"{mode} of up to {policy.get('cap')} units, {when}"


def _backorder_policy(e: Entry) -> list[str]:
    old, new = e.changes.get("policy") or [None, None]
    return [f"Selling beyond stock: {_policy_words(old)} → {_policy_words(new)}"]


_LOCATION_FIELDS = {"code": "Code", "is_active": "Active", "kind": "Type"}


def _location_deleted(e: Entry) -> list[str]:
    return []


WORDS = AuditWords(
    phrases={
        "stock.receive": Phrase("received stock of {object}", stock_sentences, _line_refs),
        "stock.adjust": Phrase("adjusted the stock of {object}", stock_sentences, _line_refs),
        "stock.transfer": Phrase("moved stock of {object}", stock_sentences, _line_refs),
        "stock.cancellation": Phrase(
            "put the stock of {object} back on sale", stock_sentences, _line_refs
        ),
        "stock.threshold": Phrase("changed the low-stock alert of {object}", _threshold),
        "stock.backorder_policy": Phrase(
            "changed how {object} sells beyond stock", _backorder_policy
        ),
        "stock.bulk_set": Phrase("set stock counts in bulk", _bulk_sentences),
        "location.create": Phrase("added the location {object}", fields=_LOCATION_FIELDS),
        "location.update": Phrase("edited the location {object}", fields=_LOCATION_FIELDS),
        "location.delete": Phrase("deleted the location {object}", _location_deleted),
    },
    kinds=(
        ObjectKind(LOCATION, "location", _locations),
        ObjectKind("inventory.stocklevel", "stock"),
    ),
)

__all__ = ["WORDS", "field_changes", "stock_sentences"]
