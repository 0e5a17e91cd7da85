"""Selling beyond stock: a variant's `BackorderPolicy` (pre-order or backorder, a cap,
a promise) and its ledger, `BackorderMovement`.

Units sold beyond stock never touch `StockLevel` (its CHECKs stay as they are, so
nothing can go negative): `holds._take` takes what the shelves have first and, only for
a line still short, the rest from the policy's allowance. The policy rows are locked
after the variant's StockLevel rows (the one global lock order: holds, levels, then
policies), `committed` never passes the cap (a CHECK as well), and every change of
`committed` writes a ledger row in the same transaction, so `verify_stock_ledger` can
prove `committed` equals the ledger sum. Cancellation and expiry give the units back.

Variants without a policy never reach this module: checkout's reads carry the policy in
a LEFT JOIN, and the locking path reads policies only for lines already short.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from haat.catalog.models import Variant
from haat.core import sql
from haat.core.audit import record_audit
from haat.core.context import current_actor
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.field_words import field_label
from haat.inventory.error_codes import InventoryError
from haat.inventory.models import BackorderMovement, BackorderPolicy
from haat.inventory.sql import LockedPolicy, lock_policy_rows, write_committed

MAX_CAP = 100_000
MAX_DAYS = 365
R = BackorderMovement.Reason


@dataclass(frozen=True)
class Backordered:
    """Units of one variant an order took beyond stock, and the date promised for them."""

    variant_id: int
    quantity: int
    mode: str
    ships_on: date


# --- the allowance, used by holds.py inside its transaction ----------------------------------
def commit(
    picks: dict[int, int],
    policies: dict[int, LockedPolicy],
    *,
    owner_type: str,
    owner_id: str,
    reference: str,
    now: datetime,
) -> list[Backordered]:
    """Add `picks` ({variant: units}, already checked against the caps) to the locked
    policies, with one ledger row each: one UPDATE and one INSERT."""
    write_committed({v: policies[v].committed + q for v, q in picks.items()}, now)
    _write_movements(
        [Entry(v, q, owner_type, owner_id, reference) for v, q in sorted(picks.items())],
        reasons={v: policies[v].offer.mode for v in picks},
        now=now,
    )
    today = timezone.localdate(now)
    return [
        Backordered(v, q, policies[v].offer.mode, policies[v].offer.promised(today))
        for v, q in sorted(picks.items())
    ]


@dataclass(frozen=True)
class Entry:
    """Units of a variant taken or given back for one owner (e.g. "order", "42")."""

    variant_id: int
    quantity: int
    owner_type: str
    owner_id: str
    reference: str = ""  # blank: the reference its units were taken under


def give_back(entries: list[Entry], *, reason: str, note: str = "") -> None:
    """Return units sold beyond stock to their policies' allowance: every policy locked
    at once, in the global order, then one UPDATE and one INSERT."""
    entries = [e for e in entries if e.quantity > 0]
    if not entries:
        return
    amounts: dict[int, int] = defaultdict(int)
    for e in entries:
        amounts[e.variant_id] += e.quantity
    now = timezone.now()
    policies = lock_policy_rows(sorted(amounts))
    entries = _with_references(entries)
    # A policy with open units cannot be removed (remove_policy), so each one is here.
    write_committed({v: policies[v].committed - q for v, q in amounts.items()}, now)
    _write_movements(
        [replace(e, quantity=-e.quantity) for e in entries],
        reasons=dict.fromkeys(amounts, reason),
        now=now,
        note=note,
    )


def release_backorders(*, owner_type: str, owner_id: str, note: str = "") -> int:
    """A confirmed order was cancelled: give back every unit it still has beyond stock
    (its net ledger sum per variant). Idempotent; returns the units given back."""
    open_units = {
        row["variant_id"]: row["total"]
        for row in BackorderMovement.objects.filter(owner_type=owner_type, owner_id=owner_id)
        .values("variant_id")
        .order_by()
        .annotate(total=Sum("quantity"))
        if row["total"] > 0
    }
    give_back(
        [Entry(v, q, owner_type, owner_id) for v, q in sorted(open_units.items())],
        reason=R.CANCELLATION,
        note=note,
    )
    return sum(open_units.values())


def _with_references(entries: list[Entry]) -> list[Entry]:
    """Entries without a reference get the one their owner's units were taken under
    (one query, only then)."""
    owners = {(e.owner_type, e.owner_id) for e in entries if not e.reference}
    if not owners:
        return entries
    found: dict[tuple[str, str], str] = {}
    for owner_type, owner_id in owners:
        found.setdefault((owner_type, owner_id), "")
    rows = (
        BackorderMovement.objects.filter(
            owner_type__in={o[0] for o in owners},
            owner_id__in={o[1] for o in owners},
            quantity__gt=0,
        )
        .exclude(reference="")
        .values_list("owner_type", "owner_id", "reference")
    )
    for owner_type, owner_id, reference in rows:
        found[(owner_type, owner_id)] = reference
    return [
        e if e.reference else replace(e, reference=found[(e.owner_type, e.owner_id)])
        for e in entries
    ]


def _write_movements(
    entries: list[Entry], *, reasons: dict[int, str], now: datetime, note: str = ""
) -> None:
    actor = current_actor()
    sql.insert_rows(
        BackorderMovement,
        [
            {
                "variant_id": e.variant_id,
                "quantity": e.quantity,
                "reason": reasons[e.variant_id],
                "owner_type": e.owner_type[:40],
                "owner_id": str(e.owner_id)[:64],
                "reference": e.reference[:100],
                "note": note[:300],
                "actor_label": actor.label[:255],
                "created_at": now,
            }
            for e in entries
        ],
    )


def ledger_differences() -> list[dict[str, int]]:
    """Policies whose `committed` is not the sum of their ledger rows (and ledger sums
    with no policy). Two aggregate queries."""
    sums = {
        row["variant_id"]: row["total"]
        for row in BackorderMovement.objects.values("variant_id")
        .order_by()
        .annotate(total=Sum("quantity"))
    }
    out = []
    for variant_id, committed in BackorderPolicy.objects.values_list("variant_id", "committed"):
        ledger = sums.pop(variant_id, 0)
        if ledger != committed:
            out.append(_diff(variant_id, committed, ledger))
    out.extend(_diff(v, 0, total) for v, total in sums.items() if total != 0)
    return sorted(out, key=lambda d: d["variant_id"])


def _diff(variant_id: int, committed: int, ledger: int) -> dict[str, int]:
    return {
        "variant_id": variant_id,
        "committed": committed,
        "ledger": ledger,
        "difference": committed - ledger,
    }


# --- staff: the policy itself ------------------------------------------------------------------
def _whole(value: object, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field_label(field)} must be a whole number.", details={"field": field}
        )
    if not low <= value <= high:
        raise ValidationError(
            f"{field_label(field)} must be from {low:,} to {high:,}.",
            details={"field": field, "min": low, "max": high},
        )
    return value


def _variant(variant_id: int) -> Variant:
    variant = Variant.objects.filter(pk=variant_id).select_related("product").first()
    if variant is None:
        raise NotFound(f"No variant {variant_id}.", details={"variant_id": variant_id})
    return variant


def set_policy(
    *,
    variant_id: int,
    mode: str,
    cap: int,
    ships_on: date | None = None,
    ships_in_days: int | None = None,
) -> BackorderPolicy:
    """Create or change a variant's allowance to sell beyond stock. The cap may not go
    below the units already sold beyond stock (lower it to that number to stop selling
    beyond stock); the promise is a future date or a number of days, never both."""
    if mode not in BackorderPolicy.Mode.values:
        raise ValidationError(
            f"Selling beyond stock must be one of {', '.join(BackorderPolicy.Mode.values)}.",
            details={"field": "mode"},
        )
    cap = _whole(cap, field="cap", low=0, high=MAX_CAP)
    if (ships_on is None) == (ships_in_days is None):
        raise ValidationError(
            "Give either the date it ships on or the number of days it ships in, not both.",
            code=InventoryError.BACKORDER_PROMISE,
            details={"field": "ships_on" if ships_on is None else "ships_in_days"},
        )
    if ships_in_days is not None:
        _whole(ships_in_days, field="ships_in_days", low=1, high=MAX_DAYS)
    if ships_on is not None and ships_on <= timezone.localdate():
        raise ValidationError(
            "The date it ships on must be in the future.",
            code=InventoryError.BACKORDER_PROMISE,
            details={"field": "ships_on"},
        )
    variant = _variant(variant_id)
    with transaction.atomic():
        policy = BackorderPolicy.objects.select_for_update().filter(variant=variant).first()
        before = _describe(policy)
        if policy is not None and cap < policy.committed:
            raise ValidationError(
                f"{policy.committed} units are already sold beyond stock; the cap cannot "
                f"be lower than {policy.committed}.",
                code=InventoryError.BACKORDER_CAP_TOO_LOW,
                details={"field": "cap", "committed": policy.committed},
            )
        policy = policy or BackorderPolicy(variant=variant)
        policy.mode, policy.cap = mode, cap
        policy.ships_on, policy.ships_in_days = ships_on, ships_in_days
        policy.save()
        record_audit(
            action="stock.backorder_policy",
            obj=variant,
            changes={"policy": [before, _describe(policy)]},
        )
    return policy


def remove_policy(*, variant_id: int) -> None:
    """Stop selling beyond stock. Refused (409) while units sold beyond stock are open."""
    variant = _variant(variant_id)
    with transaction.atomic():
        policy = BackorderPolicy.objects.select_for_update().filter(variant=variant).first()
        if policy is None:
            raise NotFound(
                f"{variant.sku} is not sold beyond stock.", details={"variant_id": variant_id}
            )
        if policy.committed:
            raise Conflict(
                f"{policy.committed} units of {variant.sku} are sold beyond stock and not "
                f"shipped or cancelled; set the cap to {policy.committed} to stop selling more.",
                code=InventoryError.BACKORDER_IN_USE,
                details={"variant_id": variant_id, "committed": policy.committed},
            )
        record_audit(
            action="stock.backorder_policy",
            obj=variant,
            changes={"policy": [_describe(policy), None]},
        )
        policy.delete()


def _describe(policy: BackorderPolicy | None) -> dict[str, object] | None:
    if policy is None:
        return None
    return {
        "mode": policy.mode,
        "cap": policy.cap,
        "ships_on": policy.ships_on.isoformat() if policy.ships_on else None,
        "ships_in_days": policy.ships_in_days,
    }


def policies_for(variant_ids: Iterable[int]) -> dict[int, BackorderPolicy]:
    return {
        p.variant_id: p for p in BackorderPolicy.objects.filter(variant_id__in=list(variant_ids))
    }
