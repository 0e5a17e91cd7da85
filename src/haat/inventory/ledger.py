"""The low-level stock primitives every inventory write goes through.

`lock_levels` takes row locks on all StockLevel rows of the given variants in ONE query,
ordered by (variant_id, location_id). Because every writer locks in that one global order,
two transactions can wait on each other but never deadlock. `apply_changes` then writes
the new numbers with one UPDATE and the ledger rows with one INSERT, so the cost of a
write does not grow with the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from haat.core import sql
from haat.core.context import current_actor
from haat.core.errors import ValidationError
from haat.core.field_words import field_label
from haat.inventory.error_codes import InventoryError
from haat.inventory.models import Location, StockLevel, StockMovement
from haat.inventory.sql import LockedLevel, lock_level_rows, write_levels

Key = tuple[int, int]  # (variant_id, location_id)

MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class Change:
    """A change of one StockLevel. `reason` set means an on_hand change with a ledger row."""

    variant_id: int
    location_id: int
    on_hand: int = 0
    reserved: int = 0
    reason: str = ""
    note: str = ""
    reference: str = ""


def clean_quantity(
    value: object, *, field: str, allow_negative: bool = False, maximum: int = MAX_QUANTITY
) -> int:
    """A whole number of units, never zero; refuses bools, floats and strings."""
    label = field_label(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label} must be a whole number.", details={"field": field})
    if value == 0:
        raise ValidationError(f"{label} must not be zero.", details={"field": field})
    if value < 0 and not allow_negative:
        raise ValidationError(f"{label} must be at least 1.", details={"field": field})
    if abs(value) > maximum:
        raise ValidationError(
            f"{label} must be at most {maximum:,}.", details={"field": field, "max": maximum}
        )
    return value


def _location_name(level: LockedLevel) -> str:
    """The location as the merchant calls it, for a refusal (one query, on that path only)."""
    name = Location.objects.filter(pk=level.location_id).values_list("name", flat=True).first()
    return name or level.location_code


def lock_levels(
    variant_ids: Iterable[int], *, ensure: Iterable[Key] = ()
) -> dict[Key, LockedLevel]:
    """Lock every StockLevel of these variants (creating the `ensure` ones first), in
    ONE query ordered by (variant, location); see `inventory.sql.LockedLevel`."""
    missing = [StockLevel(variant_id=v, location_id=loc) for v, loc in set(ensure)]
    if missing:
        StockLevel.objects.bulk_create(missing, ignore_conflicts=True)
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    return {(lvl.variant_id, lvl.location_id): lvl for lvl in lock_level_rows(ids)}


def available_totals(levels: dict[Key, LockedLevel], variant_ids: Iterable[int]) -> dict[int, int]:
    """Available units per variant over active locations, from already-locked rows (what
    `inventory.sql.available_units_sql` reads, for rows changed in this transaction)."""
    totals = dict.fromkeys(variant_ids, 0)
    for (variant_id, _), level in levels.items():
        if variant_id in totals and level.location_active:
            totals[variant_id] += level.available
    return totals


def apply_changes(levels: dict[Key, LockedLevel], changes: list[Change]) -> list[StockMovement]:
    """Apply changes to locked rows: check the invariants, then one UPDATE and one INSERT.
    `levels` then holds the new numbers.

    Raises ValidationError (changing nothing) when a result would break the CHECKs.
    """
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for change in changes:
        key = (change.variant_id, change.location_id)
        if key not in levels:
            raise ValidationError(
                "No stock record for this variant at this location.",
                details={"variant_id": change.variant_id, "location_id": change.location_id},
            )
        deltas[key][0] += change.on_hand
        deltas[key][1] += change.reserved
    now = timezone.now()
    touched = []
    for key, (d_on_hand, d_reserved) in deltas.items():
        level = levels[key]
        on_hand, reserved = level.on_hand + d_on_hand, level.reserved + d_reserved
        details = {"variant_id": key[0], "location_id": key[1], "on_hand": level.on_hand}
        if on_hand < 0:
            raise ValidationError(
                f"Stock at {_location_name(level)} cannot go below zero "
                f"(on hand {level.on_hand}, change {d_on_hand:+d}).",
                code=InventoryError.INSUFFICIENT_STOCK,
                details={**details, "field": "quantity"},
            )
        if reserved < 0 or reserved > on_hand:
            raise ValidationError(
                f"Stock at {_location_name(level)} cannot go below the {level.reserved} units "
                "reserved for checkouts.",
                code=InventoryError.INSUFFICIENT_STOCK,
                details={**details, "reserved": level.reserved, "field": "quantity"},
            )
        if (d_on_hand, d_reserved) != (0, 0):
            touched.append(replace(level, on_hand=on_hand, reserved=reserved))
    write_levels(touched, now)
    levels.update({(lvl.variant_id, lvl.location_id): lvl for lvl in touched})
    return write_movements(changes)


def write_movements(changes: Iterable[Change]) -> list[StockMovement]:
    """The ledger rows of `changes` (those with a reason and an on_hand change), with the
    current actor, in one INSERT."""
    now = timezone.now()
    rows = [movement_row(c, now) for c in changes if c.reason and c.on_hand]
    ids = sql.insert_rows(StockMovement, rows)
    return [StockMovement(id=pk, **row) for (pk,), row in zip(ids, rows, strict=True)]


def movement_row(change: Change, now: datetime) -> dict[str, Any]:
    """The ledger row of one change, stamped with the current actor."""
    actor = current_actor()
    return {
        "variant_id": change.variant_id,
        "location_id": change.location_id,
        "quantity": change.on_hand,
        "reason": change.reason,
        "note": change.note,
        "reference": change.reference[:100],
        "actor_id": actor.user.pk if getattr(actor.user, "pk", None) else None,
        "actor_label": actor.label[:255],
        "created_at": now,
    }


def ledger_differences() -> list[dict[str, int]]:
    """StockLevels whose on_hand is not the sum of their movements (and ledger rows with
    no level at all). Two aggregate queries, whatever the size of the store."""
    sums = {
        (row["variant_id"], row["location_id"]): row["total"]
        for row in StockMovement.objects.values("variant_id", "location_id")
        .order_by()
        .annotate(total=Sum("quantity"))
    }
    out = []
    for variant_id, location_id, on_hand in StockLevel.objects.values_list(
        "variant_id", "location_id", "on_hand"
    ).iterator():
        ledger = sums.pop((variant_id, location_id), 0)
        if ledger != on_hand:
            out.append(_diff(variant_id, location_id, on_hand, ledger))
    out.extend(_diff(v, loc, 0, total) for (v, loc), total in sums.items() if total != 0)
    return sorted(out, key=lambda d: (d["variant_id"], d["location_id"]))


def _diff(variant_id: int, location_id: int, on_hand: int, ledger: int) -> dict[str, int]:
    return {
        "variant_id": variant_id,
        "location_id": location_id,
        "on_hand": on_hand,
        "ledger": ledger,
        "difference": on_hand - ledger,
    }
