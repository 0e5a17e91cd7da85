"""Holds: stock reserved for an order until it is paid or confirmed; and `sell_stock`
for an order confirmed at once (COD). Called by orders and payments.

Every function here locks the StockLevel rows it touches with one ordered
`select_for_update` (see `ledger.lock_levels`), so hundreds of concurrent multi-line
checkouts serialise per variant, never deadlock and never oversell; on SQLite the
IMMEDIATE transactions serialise writers instead. Holds that are never paid for simply
expire: `release_expired_holds` (a periodic task) gives their stock back, so a crash at
any point leaves stock recoverable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from haat.catalog.error_codes import CatalogError
from haat.catalog.models import Variant
from haat.core import sql
from haat.core.errors import Conflict, ValidationError
from haat.core.outbox import Aggregate, emit_all
from haat.inventory import alerts, backorders
from haat.inventory.backorders import Backordered
from haat.inventory.error_codes import InventoryError
from haat.inventory.events import ExpiredHold, HoldExpired
from haat.inventory.ledger import (
    Change,
    apply_changes,
    available_totals,
    lock_levels,
    movement_row,
)
from haat.inventory.models import BackorderMovement, StockHold, StockMovement
from haat.inventory.sql import TAKE_ONLY_ROW_SQL, LockedLevel, LockedPolicy, lock_policy_rows

MAX_LINE_QUANTITY = 1000
MAX_LINES = 200


@dataclass(frozen=True)
class HoldRequest:
    variant_id: int
    quantity: int


class OutOfStock(Conflict):
    """Some lines cannot be held; `details["lines"]` names every one of them."""

    code = InventoryError.OUT_OF_STOCK


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


@dataclass(frozen=True)
class TakeResult:
    """What an order took: its holds (or sale movements) and the units it took beyond
    stock under the variants' backorder policies (empty for most orders)."""

    records: list[Any]
    backorders: list[Backordered]


def place_holds(
    *,
    requests: list[HoldRequest],
    owner_type: str,
    owner_id: str,
    expires_at: datetime | None = None,
) -> list[StockHold]:
    """Hold every line or none: each line from the highest-priority active location that
    can take it whole, else split across locations in priority order; a line still short
    takes the rest beyond stock when its variant's `BackorderPolicy` allows (a hold with
    no location). Raises OutOfStock naming every line that cannot be held. Two or three
    statements whatever the number of lines (see `_take`, then the INSERT of the holds).
    Inside a caller's transaction it adds no savepoint, and its refusals come before any
    write, so that transaction stays usable."""
    return hold_stock(
        requests=requests, owner_type=owner_type, owner_id=owner_id, expires_at=expires_at
    ).records


def hold_stock(
    *,
    requests: list[HoldRequest],
    owner_type: str,
    owner_id: str,
    expires_at: datetime | None = None,
    reference: str = "",
) -> TakeResult:
    """`place_holds`, also saying what was held beyond stock (recorded in the backorder
    ledger under the hold's owner and `reference`, e.g. the order number)."""
    _clean(requests, owner_type, str(owner_id))
    now = timezone.now()
    expires_at = expires_at or now + timedelta(minutes=hold_minutes())
    if expires_at <= now:
        raise ValidationError("A hold must expire in the future.", details={"field": "expires_at"})
    with _transaction():
        taken = _take(
            requests,
            sell=False,
            owner=(owner_type, str(owner_id), reference),
            record=StockHold,
            row=lambda v, loc, q: {
                "variant_id": v,
                "location_id": loc,
                "quantity": q,
                "owner_type": owner_type,
                "owner_id": str(owner_id),
                "status": StockHold.Status.ACTIVE,
                "expires_at": expires_at,
                "created_at": now,
            },
        )
        taken.record_crossings()
    return TakeResult([StockHold(id=pk, **row) for pk, row in taken.records], taken.backorders)


def sell_stock(*, requests: list[HoldRequest], reference: str) -> list[StockMovement]:
    """Sell now what nobody holds (an order confirmed at checkout, e.g. COD): allocated
    exactly like `place_holds`, all or nothing, OutOfStock naming every short line. The
    caller's transaction should call it last: the stock rows stay locked until COMMIT."""
    return sell_now(requests=requests, reference=reference).records


def sell_now(
    *, requests: list[HoldRequest], reference: str, owner_type: str = "", owner_id: str = ""
) -> TakeResult:
    """`sell_stock`, also saying what was sold beyond stock (recorded in the backorder
    ledger under `owner_type`/`owner_id`, default "sale"/`reference`, so a cancellation
    can give it back)."""
    _clean(requests, "sale", reference or "-")
    now = timezone.now()
    owner = (owner_type or "sale", str(owner_id or reference), reference)
    with _transaction():
        taken = _take(
            requests,
            sell=True,
            owner=owner,
            record=StockMovement,
            row=lambda v, loc, q: movement_row(
                Change(v, loc, -q, reason=StockMovement.Reason.SALE, reference=reference), now
            ),
        )
        taken.record_crossings()
    return TakeResult([StockMovement(id=pk, **row) for pk, row in taken.records], taken.backorders)


def _transaction() -> AbstractContextManager:
    """A transaction of our own, or the caller's as it is: no savepoint (two more round
    trips on checkout's path). Refusals are raised before any write, so they leave the
    caller's transaction usable."""
    if transaction.get_connection().in_atomic_block:
        return nullcontext()
    return transaction.atomic()


@dataclass
class _Taken:
    """What `_take` took: the rows that record it (ledger rows or holds) with their ids,
    and each variant's available units before and after, its sku and low-stock
    threshold (for alerts)."""

    records: list[tuple[int, dict[str, Any]]]  # (id, row)
    before: dict[int, int]
    after: dict[int, int]
    skus: dict[int, str]
    thresholds: dict[int, int | None]
    backorders: list[Backordered] = field(default_factory=list)

    def record_crossings(self) -> None:
        default = alerts.default_threshold()
        alerts.record_crossings(
            self.before,
            self.after,
            thresholds={v: default if t is None else t for v, t in self.thresholds.items()},
            skus=self.skus,
        )


RowFor = Callable[[int, int, int], dict[str, Any]]  # (variant, location, qty) -> a row


def _take(
    requests: list[HoldRequest],
    *,
    sell: bool,
    owner: tuple[str, str, str],  # (type, id, reference) for the backorder ledger
    record: type[models.Model],
    row: RowFor,
) -> _Taken:
    """Take the lines' units off the shelf, sold (on_hand falls) or held (reserved rises),
    and INSERT one `record` row per pick (`row` builds it).

    A single line of a variant stocked at exactly one location, the usual flash-sale
    drop, is one conditional UPDATE whose row count decides (DESIGN §4); on PostgreSQL
    the same statement inserts the record, so the row stays locked for that statement
    and the COMMIT only. Anything else, or that UPDATE finding too little, locks all the
    variants' rows in the global order, allocates and writes one UPDATE and one INSERT;
    that path also gives OutOfStock its exact details. Only when a line is short and its
    variant has a backorder policy (the locking read says so) are those policies locked
    and read (one more statement): the units the shelves lack are then taken beyond
    stock, within each policy's cap."""
    if len(requests) == 1:
        taken = _take_one_row(requests[0], sell=sell, record=record, row=row)
        if taken is not None:
            return taken
    ids = sorted({r.variant_id for r in requests})
    levels = lock_levels(ids)
    variants = {lvl.variant_id: (lvl.sku, lvl.variant_active) for lvl in levels.values()}
    # Variants that may sell beyond stock: only their policies are ever locked and read.
    beyond_ok = {lvl.variant_id for lvl in levels.values() if lvl.has_policy}
    if len(variants) < len(ids):  # no stock record anywhere: unknown or never stocked
        rows = Variant.objects.filter(id__in=[v for v in ids if v not in variants])
        for pk, sku, active, policy in rows.values_list(
            "id", "sku", "is_active", "backorder_policy__id"
        ):
            variants[pk] = (sku, active)
            if policy is not None:
                beyond_ok.add(pk)
    unknown = [v for v in ids if v not in variants]
    if unknown:
        raise ValidationError(
            f"Unknown variant(s): {', '.join(map(str, unknown))}.",
            code=CatalogError.UNKNOWN_VARIANT,
            details={"field": "variant_id", "variant_ids": unknown},
        )
    inactive = [v for v in ids if not variants[v][1]]
    if inactive:
        raise ValidationError(
            f"Not for sale: {', '.join(variants[v][0] for v in inactive)}.",
            code=CatalogError.INACTIVE_VARIANT,
            details={"field": "variant_id", "variant_ids": inactive},
        )
    before = available_totals(levels, ids)
    skus = {v: r[0] for v, r in variants.items()}
    allocations, shortages = _allocate(requests, levels, skus)
    policies: dict[int, LockedPolicy] = {}
    short = {line["variant_id"] for line in shortages} & beyond_ok
    if short:  # no statement at all for a short variant without a policy
        policies = lock_policy_rows(sorted(short))
        if policies:
            allocations, shortages = _allocate(requests, levels, skus, policies)
    if shortages:
        names = ", ".join(line["sku"] for line in shortages)
        raise OutOfStock(f"Not enough stock for {names}.", details={"lines": shortages})
    picks = [(v, loc, q) for _, v, loc, q in allocations]
    shelf = [(v, loc, q) for v, loc, q in picks if loc is not None]
    apply_changes(
        levels,
        [
            Change(v, loc, on_hand=-q if sell else 0, reserved=0 if sell else q)
            for v, loc, q in shelf
        ],
    )
    beyond: dict[int, int] = defaultdict(int)
    for v, loc, q in picks:
        if loc is None:
            beyond[v] += q
    backordered = (
        backorders.commit(
            dict(beyond),
            policies,
            owner_type=owner[0],
            owner_id=owner[1],
            reference=owner[2],
            now=timezone.now(),
        )
        if beyond
        else []
    )
    thresholds = {lvl.variant_id: lvl.threshold for lvl in levels.values()}
    # A sale beyond stock is in the backorder ledger, not the stock ledger; a hold
    # beyond stock is a hold without a location.
    recorded = shelf if sell else picks
    rows = [row(v, loc, q) for v, loc, q in recorded]  # type: ignore[arg-type]
    written = sql.insert_rows(record, rows) if rows else []
    return _Taken(
        [(pk, r) for (pk,), r in zip(written, rows, strict=True)],
        before,
        available_totals(levels, ids),
        skus,
        thresholds,
        backordered,
    )


def _take_one_row(
    request: HoldRequest, *, sell: bool, record: type[models.Model], row: RowFor
) -> _Taken | None:
    """One conditional UPDATE (with its record on PostgreSQL); None, having changed
    nothing, when it does not apply or finds too little: the caller then takes the
    locking path. Exact for alerts: every other writer of this variant's stock locks this
    row first, and a new row starts empty."""
    v, q = request.variant_id, request.quantity
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params: list[Any] = [q if sell else 0, 0 if sell else q, now, v, q]
    combined = connection.vendor == "postgresql"
    if combined:  # the UPDATE and the INSERT of its record in one statement
        values = row(v, 0, q)
        insert, extra = sql.insert_from(
            record, [values], source="taken", columns={"location_id": "location_id"}
        )
        statement = (
            f"WITH taken AS ({TAKE_ONLY_ROW_SQL}), recorded AS ({insert}) "  # noqa: S608
            "SELECT taken.*, recorded.id FROM taken, recorded"
        )
        found = sql.fetch_one(statement, params + extra)
    else:
        found = sql.fetch_one(TAKE_ONLY_ROW_SQL, params)
    if found is None:
        return None
    location_id, available, sku, threshold = found[:4]
    values = row(v, location_id, q)
    pk = found[4] if combined else sql.insert_rows(record, [values])[0][0]
    return _Taken([(pk, values)], {v: available + q}, {v: available}, {v: sku}, {v: threshold})


def _allocate(
    requests: list[HoldRequest],
    levels: dict[tuple[int, int], LockedLevel],
    skus: dict[int, str],
    policies: dict[int, LockedPolicy] | None = None,
) -> tuple[list[tuple[int, int | None, int, int]], list[dict]]:
    """(line, variant, location, qty) allocations in memory, and the lines that fall short.
    With `policies`, a short line takes every unit the shelves have and the rest beyond
    stock (location None) while its policy has units left under the cap."""
    left = {v: p.offer.left for v, p in (policies or {}).items()}
    by_variant: dict[int, list[LockedLevel]] = defaultdict(list)
    for level in levels.values():
        if level.location_active:
            by_variant[level.variant_id].append(level)
    free = {key: lvl.available for key, lvl in levels.items()}
    allocations: list[tuple[int, int, int | None, int]] = []
    shortages: list[dict] = []
    for line, req in enumerate(requests):
        places = sorted(by_variant[req.variant_id], key=lambda x: (x.location_priority, x.id))
        keys = [(req.variant_id, lvl.location_id) for lvl in places]
        total = sum(max(free[k], 0) for k in keys)
        extra = max(req.quantity - total, 0)
        if extra and left.get(req.variant_id, 0) >= extra:
            left[req.variant_id] -= extra
            allocations.append((line, req.variant_id, None, extra))
        elif extra:
            short = {
                "variant_id": req.variant_id,
                "sku": skus[req.variant_id],
                "requested": req.quantity,
                "available": total,
            }
            if req.variant_id in left:
                short["beyond_stock_left"] = left[req.variant_id]
            shortages.append(short)
            continue
        if not total or not req.quantity - extra:
            continue
        quantity = req.quantity - extra
        whole = next((k for k in keys if free[k] >= quantity), None)
        picks = [(whole, quantity)] if whole else []
        remaining = 0 if whole else quantity
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
    """Give back (or sell) the stock of locked active holds and close them. Holds beyond
    stock (no location) give their units back to the backorder allowance instead, unless
    sold: a sale beyond stock stays committed until the order is cancelled."""
    ids = {h.variant_id for h in holds}
    levels = lock_levels(ids)
    before = available_totals(levels, ids)
    sale = status == StockHold.Status.CONVERTED
    beyond = [h for h in holds if h.location_id is None]
    if beyond and not sale:
        backorders.give_back(
            [backorders.Entry(h.variant_id, h.quantity, h.owner_type, h.owner_id) for h in beyond],
            reason=BackorderMovement.Reason.CANCELLATION
            if reason == CANCELLED
            else _BACKORDER_REASONS.get(status, BackorderMovement.Reason.RELEASED),
            note=reason,
        )
    holds = [h for h in holds if h.location_id is not None] if beyond else holds
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
    StockHold.objects.filter(id__in=[h.pk for h in holds + beyond]).update(
        status=status, released_at=timezone.now(), release_reason=reason[:100]
    )
    if not sale:
        alerts.record_crossings(before, available_totals(levels, ids))
    return movements


CANCELLED = "order cancelled"  # release_holds' reason when an order is cancelled
_BACKORDER_REASONS = {
    StockHold.Status.EXPIRED: BackorderMovement.Reason.EXPIRED,
    StockHold.Status.RELEASED: BackorderMovement.Reason.RELEASED,
}


def convert_holds(*, owner_type: str, owner_id: str, reference: str) -> None:
    """Paid: each active hold becomes a sale (on_hand and reserved both fall). Idempotent."""
    with transaction.atomic():
        active = _active_holds(owner_type=owner_type, owner_id=str(owner_id))
        if active:
            _end_holds(active, status=StockHold.Status.CONVERTED, reference=reference)


def release_holds(*, owner_type: str, owner_id: str, reason: str) -> int:
    """Payment failed or order cancelled: give the stock back now. Idempotent."""
    with transaction.atomic():
        holds = _active_holds(owner_type=owner_type, owner_id=str(owner_id))
        if holds:
            _end_holds(holds, status=StockHold.Status.RELEASED, reason=reason)
    return len(holds)


def release_expired_holds(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Release up to `limit` holds past their expiry; one `inventory.hold_expired` event
    per owner, all in one INSERT. Holds being paid for right now are locked and skipped
    (PostgreSQL)."""
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
        emit_all(
            (
                HoldExpired(
                    owner_type=owner_type,
                    owner_id=owner_id,
                    holds=[
                        ExpiredHold(id=h.pk, variant_id=h.variant_id, quantity=h.quantity)
                        for h in owned
                    ],
                ),
                Aggregate(owner_type, owner_id),
            )
            for (owner_type, owner_id), owned in owners.items()
        )
    return len(holds)
