"""How the audit log reads shipping changes: zones by name, rates in money and days
("Standard delivery in INR: ₹60.00 → ₹70.00"), PIN uploads as counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase
from haat.core.money import formatted
from haat.shipping.models import Rate, Zone

ZONE = "shipping.zone"
_ZONE_FIELDS = {
    "countries": "Countries",
    "states": "States",
    "pin_prefixes": "PIN codes starting with",
    "cod_allowed": "Cash on delivery",
    "cutoff_time": "Cut-off time",
    "business_days_only": "Business days only",
    "is_active": "Active",
}
_MONEY = {
    "amount": "Price",
    "free_above": "Free above",
    "min_order": "Minimum order",
    "max_order": "Maximum order",
}


def _zones(ids: list[str]) -> Mapping[str, Named]:
    rows = Zone.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {
        str(pk): Named(name, reverse("shipping:zone_edit", args=[pk]))
        for pk, name in rows.values_list("pk", "name")
    }


def _money_text(value: Any, currency: str) -> str:
    return "none" if value is None else formatted(int(value), currency, "en_IN")


def _rate(e: Entry) -> list[str]:
    currency = str(e.changes.get("currency") or "INR")
    service = dict(Rate.Service.choices).get(e.changes.get("service"), "Delivery")
    rows = []
    for name, label in _MONEY.items():
        pair = e.changes.get(name)
        if isinstance(pair, list) and len(pair) == 2:
            old, new = (_money_text(v, currency) for v in pair)
            rows.append(f"{label}: {new}" if pair[0] is None else f"{label}: {old} → {new}")
    for name, label in (("days_min", "Fastest delivery"), ("days_max", "Slowest delivery")):
        pair = e.changes.get(name)
        if isinstance(pair, list) and len(pair) == 2:
            rows.append(f"{label}: {pair[1]} days")
    if "slabs" in e.changes:
        slabs = (e.changes["slabs"] or [None, None])[-1] or []
        rows.append(
            "Weight slabs: "
            + (
                ", ".join(f"up to {g:,} g {_money_text(a, currency)}" for g, a in slabs)
                if slabs
                else "none (one price)"
            )
        )
    return [f"{service} in {currency}", *rows]


def _rate_deleted(e: Entry) -> list[str]:
    service = dict(Rate.Service.choices).get(e.changes.get("service"), "Delivery")
    return [f"{service} in {e.changes.get('currency')}"]


def _pins(e: Entry) -> list[str]:
    c = e.changes
    return [
        f"{c.get('added', 0)} added, {c.get('updated', 0)} changed, {c.get('removed', 0)} removed"
    ]


WORDS = AuditWords(
    phrases={
        "shipping.zone.create": Phrase("added the shipping zone {object}", fields=_ZONE_FIELDS),
        "shipping.zone.update": Phrase("edited the shipping zone {object}", fields=_ZONE_FIELDS),
        "shipping.zone.delete": Phrase("deleted the shipping zone {object}", lambda e: []),
        "shipping.rate.set": Phrase("set a shipping rate of {object}", _rate),
        "shipping.rate.delete": Phrase("removed a shipping rate of {object}", _rate_deleted),
        "shipping.pins.import": Phrase("uploaded serviceable PIN codes", _pins),
        "shipping.pin.delete": Phrase("removed the serviceable PIN code {object}", lambda e: []),
        "shipping.shiprocket.update": Phrase(
            "changed the Shiprocket connection",
            fields={"email": "API user", "pickup_postcode": "Pickup PIN code", "is_enabled": "On"},
        ),
    },
    kinds=(
        ObjectKind(ZONE, "shipping zone", _zones),
        ObjectKind("shipping.serviceablepin", "PIN code"),
        ObjectKind("shipping.shiprocketaccount", "Shiprocket connection"),
    ),
)
