"""Inventory's hand-written SQL: its own tables only, rows handed back as frozen values.

Every checkout locks, reads and writes stock rows, so these statements are written by
hand (see core/sql.py for why). A variant's SKU and active flag come from catalog's
fragments (catalog/sql.py); inventory never names catalog's tables.

`available_units_sql` is THE definition of a variant's units available (on hand minus
reserved, over active locations). Every read of it uses this one expression: the bulk
read `available_units`, the stock lists, and the other contexts that need it inside their
own statement (the cart and buy-now reads in checkout/sql.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from haat.catalog.sql import variant_active_sql, variant_sku_sql
from haat.core import sql


def available_units_sql(variant_id: str, *, location: str = "") -> str:
    """The units of variant `variant_id` (an SQL expression of the outer statement) that
    can still be sold or held: on hand minus reserved, summed over active locations (only
    `location`, an SQL expression, when given); 0 without stock anywhere."""
    at = f" AND inv_s.location_id = {location}" if location else ""
    return (
        "(SELECT COALESCE(SUM(inv_s.on_hand - inv_s.reserved), 0) "
        "FROM inventory_stocklevel inv_s "
        "JOIN inventory_location inv_loc ON inv_loc.id = inv_s.location_id "
        f"WHERE inv_s.variant_id = {variant_id} AND inv_loc.is_active{at})"
    )


def available_units(variant_ids: Iterable[int]) -> dict[int, int]:
    """Units available per variant (`available_units_sql`), every id answered. One query."""
    ids = list(dict.fromkeys(variant_ids))
    if not ids:
        return {}
    rows = ", ".join(["(CAST(%s AS BIGINT))"] * len(ids))
    statement = (
        f"SELECT wanted.column1, {available_units_sql('wanted.column1')} "
        f"FROM (VALUES {rows}) AS wanted"
    )
    return dict(sql.fetch_all(statement, ids))


def available_units_annotation(variant_id: str, *, location_id: int | None = None) -> RawSQL:
    """`available_units_sql` for a queryset whose rows' variant id is the column
    `variant_id` (at `location_id` only, when given)."""
    if location_id:
        return RawSQL(available_units_sql(variant_id, location="%s"), [location_id])  # noqa: S611
    return RawSQL(available_units_sql(variant_id), [])  # noqa: S611


@dataclass(frozen=True)
class LockedLevel:
    """A StockLevel row locked for a write, with what the writers decide by: its
    location's code, priority and state, and the variant's SKU, active flag, low-stock
    threshold (None: the store default) and whether it has a backorder policy."""

    id: int
    variant_id: int
    location_id: int
    on_hand: int
    reserved: int
    location_code: str
    location_priority: int
    location_active: bool
    sku: str
    variant_active: bool
    threshold: int | None
    has_policy: bool = False

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


# Every StockLevel of the variants, in the one global order (variant, location).
_LOCK_SQL = f"""
SELECT s.id, s.variant_id, s.location_id, s.on_hand, s.reserved,
       loc.code, loc.priority, loc.is_active, {variant_sku_sql("s.variant_id")},
       {variant_active_sql("s.variant_id")}, t.threshold, bp.id
FROM inventory_stocklevel s
JOIN inventory_location loc ON loc.id = s.location_id
LEFT JOIN inventory_lowstockthreshold t ON t.variant_id = s.variant_id
LEFT JOIN inventory_backorderpolicy bp ON bp.variant_id = s.variant_id
WHERE s.variant_id IN ({{ids}})
ORDER BY s.variant_id, s.location_id{{lock}}"""


def lock_level_rows(variant_ids: Sequence[int]) -> list[LockedLevel]:
    """Lock (FOR UPDATE where the database has it) and read every StockLevel of these
    variants, in the global lock order. One query."""
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    statement = _LOCK_SQL.format(ids=sql.placeholders(len(variant_ids)), lock=lock)
    return [
        LockedLevel(
            pk, v, loc, on_hand, reserved, code, priority, bool(loc_on), sku, bool(on), t, bool(bp)
        )
        for pk, v, loc, on_hand, reserved, code, priority, loc_on, sku, on, t, bp in sql.fetch_all(
            statement, list(variant_ids)
        )
    ]


def write_levels(levels: Sequence[LockedLevel], now: datetime) -> None:
    """Store the new on_hand and reserved of locked rows, in one UPDATE."""
    if not levels:
        return
    whens = " ".join(["WHEN %s THEN %s"] * len(levels))
    params: list[Any] = [x for lvl in levels for x in (lvl.id, lvl.on_hand)]
    params += [x for lvl in levels for x in (lvl.id, lvl.reserved)]
    params += [connection.ops.adapt_datetimefield_value(now)] + [lvl.id for lvl in levels]
    ids = sql.placeholders(len(levels))
    statement = (
        f"UPDATE inventory_stocklevel SET on_hand = CASE id {whens} END, "
        f"reserved = CASE id {whens} END, updated_at = %s WHERE id IN ({ids})"
    )
    sql.execute(statement, params)


# A variant's units off its only stock row, guarded so the row count decides (DESIGN §4):
# enough available, the variant's only stock row, an active location, an active variant.
# Parameters: units sold (on_hand falls), units held (reserved rises), now, the variant,
# the units wanted. Returns the location, the units left and what the alerts need.
TAKE_ONLY_ROW_SQL = f"""
UPDATE inventory_stocklevel
SET on_hand = on_hand - %s, reserved = reserved + %s, updated_at = %s
WHERE variant_id = %s AND on_hand - reserved >= %s
  AND NOT EXISTS (SELECT 1 FROM inventory_stocklevel other
                  WHERE other.variant_id = inventory_stocklevel.variant_id
                    AND other.id <> inventory_stocklevel.id)
  AND EXISTS (SELECT 1 FROM inventory_location loc
              WHERE loc.id = inventory_stocklevel.location_id AND loc.is_active)
  AND {variant_active_sql("inventory_stocklevel.variant_id")}
RETURNING location_id, on_hand - reserved AS available,
  {variant_sku_sql("inventory_stocklevel.variant_id")} AS sku,
  (SELECT t.threshold FROM inventory_lowstockthreshold t
    WHERE t.variant_id = inventory_stocklevel.variant_id) AS threshold"""


# --- selling beyond stock (BackorderPolicy) ---------------------------------------------
@dataclass(frozen=True)
class BackorderOffer:
    """A variant's allowance to sell beyond stock, as read: the mode (pre_order or
    backorder), the units `left` under the cap, and the promise (a date, or a lead time
    in days counted from the day of the order)."""

    mode: str
    left: int
    ships_on: date | None
    ships_in_days: int | None

    def promised(self, today: date) -> date:
        """The date promised to an order placed `today`."""
        return self.ships_on or today + timedelta(days=self.ships_in_days or 0)


BACKORDER_OFFER_WIDTH = 4


def backorder_offer_sql(variant_id: str) -> sql.Fragment:
    """The policy of variant `variant_id` (an SQL expression of the outer statement),
    LEFT JOINed so a variant without one costs nothing but NULL columns; read back with
    `backorder_offer`."""
    return sql.Fragment(
        columns="inv_bp.mode, inv_bp.cap - inv_bp.committed, inv_bp.ships_on, inv_bp.ships_in_days",
        joins=f"LEFT JOIN inventory_backorderpolicy inv_bp ON inv_bp.variant_id = {variant_id}",
        width=BACKORDER_OFFER_WIDTH,
    )


def date_value(value: Any) -> date | None:
    """A DATE column as a date (SQLite hands back text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def backorder_offer(values: Sequence[Any]) -> BackorderOffer | None:
    """The `BackorderOffer` in `backorder_offer_sql`'s columns; None without a policy."""
    mode, left, ships_on, days = values
    if mode is None:
        return None
    return BackorderOffer(mode, max(int(left), 0), date_value(ships_on), days)


@dataclass(frozen=True)
class LockedPolicy:
    variant_id: int
    offer: BackorderOffer
    committed: int


def lock_policy_rows(variant_ids: Sequence[int]) -> dict[int, LockedPolicy]:
    """Lock (FOR UPDATE where the database has it) the policies of these variants, in
    variant order: after their StockLevel rows, always (the global lock order). One
    query; variants without a policy are left out."""
    if not variant_ids:
        return {}
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    ids = sql.placeholders(len(variant_ids))
    statement = (
        "SELECT variant_id, mode, cap - committed, ships_on, ships_in_days, committed "
        f"FROM inventory_backorderpolicy WHERE variant_id IN ({ids}) "
        f"ORDER BY variant_id{lock}"
    )
    return {
        row[0]: LockedPolicy(row[0], backorder_offer(row[1:5]), row[5])  # type: ignore[arg-type]
        for row in sql.fetch_all(statement, sorted(variant_ids))
    }


def write_committed(committed: dict[int, int], now: datetime) -> None:
    """Store the new `committed` of locked policies ({variant id: units}), in one UPDATE."""
    if not committed:
        return
    whens = " ".join(["WHEN %s THEN %s"] * len(committed))
    params: list[Any] = [x for pair in committed.items() for x in pair]
    sql.execute(
        f"UPDATE inventory_backorderpolicy SET committed = CASE variant_id {whens} END, "
        f"updated_at = %s WHERE variant_id IN ({sql.placeholders(len(committed))})",
        [*params, connection.ops.adapt_datetimefield_value(now), *committed],
    )
