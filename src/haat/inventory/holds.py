"""Holds: stock reserved for a checkout or an unpaid order. Called by checkout and orders.

Every function here locks the StockLevel rows it touches with one ordered
`select_for_update` (see `ledger.lock_levels`), so hundreds of concurrent multi-line
checkouts serialise per variant, never deadlock and never oversell; on SQLite the
IMMEDIATE transactions serialise writers instead. Holds that are never paid for simply
expire: `release_expired_holds` (a periodic task) gives their stock back, so a crash at
any point leaves stock recoverable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from haat.catalog.models import Variant
from haat.core.errors import Conflict, ValidationError
from haat.core.events import record_event
from haat.inventory import alerts
from haat.inventory.ledger import (
    Change,
    apply_changes,
    available_totals,
    lock_levels,
    write_movements,
)
from haat.inventory.models import StockHold, StockLevel, StockMovement

MAX_LINE_QUANTITY = 1000
MAX_LINES = 200


@dataclass(frozen=True)
class HoldRequest:
    variant_id: int
    quantity: int


class OutOfStock(Conflict):
    """Some lines cannot be held; `details["lines"]` names every one of them."""

    code = "out_of_stock"


def hold_minutes() -> int:
    return settings.HAAT_HOLD_MINUTES


def _clean(requests: list[HoldRequest], owner_type: str, owner_id: str) -> None:
    if not requests:
        raise ValidationError("At least one line is needed.", details={"field": "lines"})
    if len(requests) > MAX_LINES:
        raise ValidationError(f"At most {MAX_LINES} lines.", details={"field": "lines"})
    for i, req in enumerate(requests):
        if isinstance(req.variant_id, bool) or not isinstance(req.variant_id, int):
            raise ValidationError(
                "variant_id must be a whole number.", details={"field": f"lines[{i}].variant_id"}
            )
        q = req.quantity
        field = f"lines[{i}].quantity"
        if isinstance(q, bool) or not isinstance(q, int):
            raise ValidationError("Quantity must be a whole number.", details={"field": field})
        if not 1 <= q <= MAX_LINE_QUANTITY:
            raise ValidationError(
                f"Quantity must be between 1 and {MAX_LINE_QUANTITY}.",
                details={"field": field, "quantity": q},
            )
    if not owner_type or not owner_id or len(owner_type) > 40 or len(str(owner_id)) > 64:
        raise ValidationError("A hold needs an owner.", details={"field": "owner_id"})


def place_holds(
    *,
    requests: list[HoldRequest],
    owner_type: str,
    owner_id: str,
    expires_at: datetime | None = None,
) -> list[StockHold]:
    """Hold every line or none: each line from the highest-priority active location that
    can take it whole, else split across locations in priority order. Raises OutOfStock
    naming every line that cannot be held. Four statements whatever the number of lines
    (lock with the variants' sku/active/threshold joined in, UPDATE, INSERT, COMMIT): the
    hottest row of a flash sale stays locked for two round trips and the commit."""
    _clean(requests, owner_type, str(owner_id))
    now = timezone.now()
    expires_at = expires_at or now + timedelta(minutes=hold_minutes())
    if expires_at <= now:
        raise ValidationError("A hold must expire in the future.", details={"field": "expires_at"})
    ids = sorted({r.variant_id for r in requests})
    with transaction.atomic():
        levels = _lock_levels_with_variants(ids)
        variants = {
            lvl.variant_id: (lvl.variant_id, lvl.v_sku, lvl.v_active, lvl.v_threshold)
            for lvl in levels.values()
        }
        if len(variants) < len(ids):  # no stock record anywhere: unknown or never stocked
            rows = Variant.objects.filter(id__in=[v for v in ids if v not in variants])
            variants |= {
                row[0]: row
                for row in rows.values_list(
                    "id", "sku", "is_active", "low_stock_threshold__threshold"
                )
            }
        unknown = [v for v in ids if v not in variants]
        if unknown:
            raise ValidationError(
                f"Unknown variant(s): {', '.join(map(str, unknown))}.",
                code="unknown_variant",
                details={"field": "variant_id", "variant_ids": unknown},
            )
        inactive = [v for v in ids if not variants[v][2]]
        if inactive:
            raise ValidationError(
                f"Not for sale: {', '.join(variants[v][1] for v in inactive)}.",
                code="inactive_variant",
                details={"field": "variant_id", "variant_ids": inactive},
            )
        before = available_totals(levels, ids)
        allocations, shortages = _allocate(requests, levels, {v: r[1] for v, r in variants.items()})
        if shortages:
            skus = ", ".join(line["sku"] for line in shortages)
            raise OutOfStock(f"Not enough stock for {skus}.", details={"lines": shortages})
        apply_changes(levels, [Change(v, loc, reserved=q) for _, v, loc, q in allocations])
        holds = StockHold.objects.bulk_create(
            StockHold(
                variant_id=v,
                location_id=loc,
                quantity=q,
                owner_type=owner_type,
                owner_id=str(owner_id),
                expires_at=expires_at,
            )
            for _, v, loc, q in allocations
        )
        default = alerts.default_threshold()
        alerts.record_crossings(
            before,
            available_totals(levels, ids),
            thresholds={v: (r[3] if r[3] is not None else default) for v, r in variants.items()},
            skus={v: r[1] for v, r in variants.items()},
        )
    return holds


def _lock_levels_with_variants(variant_ids: list[int]) -> dict[tuple[int, int], StockLevel]:
    """`ledger.lock_levels` (same rows, same global lock order) with each variant's sku,
    active flag and low-stock threshold joined in, saving a query on the hot path."""
    rows = (
        StockLevel.objects.select_for_update(of=("self",))
        .select_related("location")
        .annotate(
            v_sku=F("variant__sku"),
            v_active=F("variant__is_active"),
            v_threshold=F("variant__low_stock_threshold__threshold"),
        )
        .filter(variant_id__in=variant_ids)
        .order_by("variant_id", "location_id")
    )
    return {(row.variant_id, row.location_id): row for row in rows}


def _allocate(
    requests: list[HoldRequest], levels: dict[tuple[int, int], StockLevel], skus: dict[int, str]
) -> tuple[list[tuple[int, int, int, int]], list[dict]]:
    """(line, variant, location, qty) allocations in memory, and the lines that fall short."""
    by_variant: dict[int, list[StockLevel]] = defaultdict(list)
    for level in levels.values():
        if level.location.is_active:
            by_variant[level.variant_id].append(level)
    free = {key: lvl.on_hand - lvl.reserved for key, lvl in levels.items()}
    allocations: list[tuple[int, int, int, int]] = []
    shortages: list[dict] = []
    for line, req in enumerate(requests):
        places = sorted(by_variant[req.variant_id], key=lambda x: (x.location.priority, x.pk))
        keys = [(req.variant_id, lvl.location_id) for lvl in places]
        total = sum(max(free[k], 0) for k in keys)
        if total < req.quantity:
            shortages.append(
                {
                    "variant_id": req.variant_id,
                    "sku": skus[req.variant_id],
                    "requested": req.quantity,
                    "available": total,
                }
            )
            continue
        whole = next((k for k in keys if free[k] >= req.quantity), None)
        picks = [(whole, req.quantity)] if whole else []
        remaining = 0 if whole else req.quantity
        for k in keys if not whole else []:
            take = min(max(free[k], 0), remaining)
            if take:
                picks.append((k, take))
                remaining -= take
        for k, take in picks:
            free[k] -= take
            allocations.append((line, k[0], k[1], take))
    return allocations, shortages


def _active_holds(**filters: object) -> list[StockHold]:
    return list(
        StockHold.objects.select_for_update()
        .filter(status=StockHold.Status.ACTIVE, **filters)
        .order_by("id")
    )


def _end_holds(
    holds: list[StockHold], *, status: str, reason: str = "", reference: str = ""
) -> list[StockMovement]:
    """Give back (or sell) the stock of locked active holds and close them."""
    ids = {h.variant_id for h in holds}
    levels = lock_levels(ids)
    before = available_totals(levels, ids)
    sale = status == StockHold.Status.CONVERTED
    changes = [
        Change(
            h.variant_id,
            h.location_id,
            on_hand=-h.quantity if sale else 0,
            reserved=-h.quantity,
            reason=StockMovement.Reason.SALE if sale else "",
            reference=reference,
        )
        for h in holds
    ]
    movements = apply_changes(levels, changes)
    StockHold.objects.filter(id__in=[h.pk for h in holds]).update(
        status=status, released_at=timezone.now(), release_reason=reason[:100]
    )
    if not sale:
        alerts.record_crossings(before, available_totals(levels, ids))
    return movements


def convert_holds(
    *,
    owner_type: str,
    owner_id: str,
    reference: str,
    holds: Sequence[StockHold] | None = None,
) -> None:
    """Paid: each active hold becomes a sale (on_hand and reserved both fall). Idempotent.

    `holds`: the holds the caller placed for this owner (checkout). They are claimed with
    one conditional UPDATE instead of being read again, and the stock rows are locked
    last, so the caller's transaction holds them only until its COMMIT; raises Conflict
    `hold_expired` (changing nothing) when any of them is no longer active. Runs without
    a savepoint: a failure here fails the caller's whole transaction, as it should."""
    with transaction.atomic(savepoint=False):
        if holds is None:
            active = _active_holds(owner_type=owner_type, owner_id=str(owner_id))
            if active:
                _end_holds(active, status=StockHold.Status.CONVERTED, reference=reference)
            return
        claimed = StockHold.objects.filter(
            id__in=[h.pk for h in holds],
            owner_type=owner_type,
            owner_id=str(owner_id),
            status=StockHold.Status.ACTIVE,
        ).update(status=StockHold.Status.CONVERTED, released_at=timezone.now(), release_reason="")
        if claimed != len(holds):
            raise Conflict("The stock held for this checkout has expired.", code="hold_expired")
        _record_sales(holds, reference)
        # Last, and without ledger rows (written just above): from here to the caller's
        # COMMIT the stock rows are locked.
        levels = lock_levels({h.variant_id for h in holds})
        apply_changes(
            levels,
            [Change(h.variant_id, h.location_id, -h.quantity, -h.quantity) for h in holds],
        )


def _record_sales(holds: Sequence[StockHold], reference: str) -> None:
    """The `sale` ledger rows of converted holds, inserted before the stock rows are
    locked to keep that lock short."""
    sale = StockMovement.Reason.SALE
    write_movements(
        Change(h.variant_id, h.location_id, -h.quantity, reason=sale, reference=reference)
        for h in holds
    )


def release_holds(*, owner_type: str, owner_id: str, reason: str) -> int:
    """Payment failed or order cancelled: give the stock back now. Idempotent."""
    with transaction.atomic():
        holds = _active_holds(owner_type=owner_type, owner_id=str(owner_id))
        if holds:
            _end_holds(holds, status=StockHold.Status.RELEASED, reason=reason)
    return len(holds)


def reassign_holds(
    *, from_owner_type: str, from_owner_id: str, to_owner_type: str, to_owner_id: str
) -> int:
    """Move active holds to a new owner (checkout token -> order), in the caller's
    transaction."""
    if not to_owner_type or not str(to_owner_id):
        raise ValidationError("A hold needs an owner.", details={"field": "to_owner_id"})
    return StockHold.objects.filter(
        owner_type=from_owner_type, owner_id=str(from_owner_id), status=StockHold.Status.ACTIVE
    ).update(owner_type=to_owner_type, owner_id=str(to_owner_id))


def release_expired_holds(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Release up to `limit` holds past their expiry; one `stock.hold_expired` event per
    owner. Holds being paid for right now are locked and skipped (PostgreSQL)."""
    now = now or timezone.now()
    with transaction.atomic():
        holds = list(
            StockHold.objects.select_for_update(skip_locked=True)
            .filter(status=StockHold.Status.ACTIVE, expires_at__lte=now)
            .order_by("id")[:limit]
        )
        if not holds:
            return 0
        _end_holds(holds, status=StockHold.Status.EXPIRED, reason="expired")
        owners: dict[tuple[str, str], list[StockHold]] = defaultdict(list)
        for hold in holds:
            owners[(hold.owner_type, hold.owner_id)].append(hold)
        for (owner_type, owner_id), owned in owners.items():
            record_event(
                "stock.hold_expired",
                aggregate_type=owner_type,
                aggregate_id=owner_id,
                payload={
                    "owner_type": owner_type,
                    "owner_id": owner_id,
                    "holds": [
                        {"id": h.pk, "variant_id": h.variant_id, "quantity": h.quantity}
                        for h in owned
                    ],
                },
            )
    return len(holds)
