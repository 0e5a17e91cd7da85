"""How the audit log reads shipment and courier actions (see `haat.core.audit_words`).
Shipment entries are recorded against their order (orders names it); couriers by name."""

from __future__ import annotations

from collections.abc import Mapping

from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase
from haat.fulfillment.models import Courier, Shipment


def _couriers(ids: list[str]) -> Mapping[str, Named]:
    rows = Courier.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(c.pk): Named(c.name) for c in rows.only("pk", "name")}


def _status(value: object) -> str:
    try:
        return str(Shipment.Status(value).label)
    except ValueError:
        return str(value or "—").replace("_", " ")


def _created(e: Entry) -> list[str]:
    units = e.changes.get("units")
    return [
        f"{e.changes.get('courier', '')} tracking number {e.changes.get('awb', '')}"
        + (f", {units} unit{'s' if units != 1 else ''}" if isinstance(units, int) else "")
    ]


def _moved(e: Entry) -> list[str]:
    rows = []
    status = e.changes.get("status")
    if isinstance(status, list) and len(status) == 2:
        rows.append(
            f"Shipment {e.changes.get('awb', '')}: {_status(status[0])} → {_status(status[1])}"
        )
    if e.changes.get("note"):
        rows.append(f"Note: {e.changes['note']}")
    return rows


WORDS = AuditWords(
    phrases={
        "shipment.create": Phrase("created a shipment for {object}", _created),
        "shipment.status": Phrase("moved a shipment of {object}", _moved),
        "courier.create": Phrase("added the courier {object}"),
    },
    kinds=(ObjectKind("fulfillment.courier", "courier", _couriers),),
)
