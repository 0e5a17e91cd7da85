"""Locations: create, update, delete (only when nothing ever happened there)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from haat.core.audit import diff, record_audit
from haat.core.errors import Conflict, ValidationError
from haat.inventory.error_codes import InventoryError
from haat.inventory.models import Location, StockLevel, StockMovement

MAX_PRIORITY = 10_000

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
FIELDS = ("name", "code", "kind", "priority", "is_active")


def _state(location: Location) -> dict[str, Any]:
    return {f: getattr(location, f) for f in FIELDS}


def _clean(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError(
            f"Unknown field {sorted(unknown)[0]}.", details={"field": sorted(unknown)[0]}
        )
    out = dict(data)
    if "name" in out:
        out["name"] = str(out["name"] or "").strip()
        if not out["name"] or len(out["name"]) > 120:
            raise ValidationError(
                "Name is required (at most 120 characters).", details={"field": "name"}
            )
    if "code" in out:
        out["code"] = str(out["code"] or "").strip().lower()
        if not CODE_RE.match(out["code"]):
            raise ValidationError(
                "Code: lower-case letters, digits and dashes (at most 40).",
                details={"field": "code"},
            )
        if Location.objects.filter(code=out["code"]).exclude(pk=exclude_pk).exists():
            raise Conflict(
                f"Code {out['code']} is taken.",
                code=InventoryError.DUPLICATE_CODE,
                details={"field": "code"},
            )
    if "kind" in out and out["kind"] not in Location.Kind.values:
        raise ValidationError(
            f"Kind must be one of {', '.join(Location.Kind.values)}.", details={"field": "kind"}
        )
    if "priority" in out:
        p = out["priority"]
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= MAX_PRIORITY:
            raise ValidationError(
                "Priority must be a whole number from 0 to 10,000.", details={"field": "priority"}
            )
    if "is_active" in out and not isinstance(out["is_active"], bool):
        raise ValidationError("is_active must be true or false.", details={"field": "is_active"})
    return out


def create_location(
    *,
    name: str,
    code: str,
    kind: str = Location.Kind.WAREHOUSE,
    priority: int = 100,
    is_active: bool = True,
) -> Location:
    fields = _clean(
        {"name": name, "code": code, "kind": kind, "priority": priority, "is_active": is_active}
    )
    with transaction.atomic():
        location = Location.objects.create(**fields)
        record_audit(action="location.create", obj=location, changes=diff({}, _state(location)))
    return location


def update_location(*, location: Location, **changes: Any) -> Location:
    fields = _clean(changes, exclude_pk=location.pk)
    with transaction.atomic():
        before = _state(location)
        for key, value in fields.items():
            setattr(location, key, value)
        location.save()
        record_audit(action="location.update", obj=location, changes=diff(before, _state(location)))
    return location


def delete_location(*, location: Location) -> None:
    """Only a location with no ledger rows and no stock; otherwise deactivate it."""
    if StockMovement.objects.filter(location=location).exists() or location.holds.exists():
        raise Conflict(
            f"{location.code} has stock history; deactivate it instead.",
            code=InventoryError.LOCATION_IN_USE,
        )
    with transaction.atomic():
        StockLevel.objects.filter(location=location).delete()
        record_audit(action="location.delete", obj=location, changes=_state(location))
        location.delete()
