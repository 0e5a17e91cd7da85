"""Checkout's hand-written SQL: carts and their lines, handed back as frozen values.

A flash sale's checkout reads the cart's lines, their live prices, the units available
and the settings stamp in ONE statement, and a buy-now reads the currency and the wanted
variants the same way. Checkout names only its own tables: the other columns come from
their owners' fragments (catalog's priced variant, inventory's available units, core's
currency and settings stamp, tax's GST rate), which also parse their columns back. No
model instance is built by hand from a row, so a column not read cannot pass for an
empty field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection

from haat.catalog.sql import PricedVariant, priced_variant, priced_variant_sql
from haat.checkout.models import Cart, CartLine
from haat.core import sql
from haat.core.currencies import currency_sql
from haat.core.settings_stamp import stamp_sql
from haat.inventory.selectors import Availability, describe_availability
from haat.inventory.sql import (
    BACKORDER_OFFER_WIDTH,
    BackorderOffer,
    available_units_sql,
    backorder_offer,
    backorder_offer_sql,
)
from haat.tax.rates import rate_book
from haat.tax.sql import RATE_WIDTH, EffectiveRate, effective_rate, rate_fragment


@dataclass(frozen=True)
class CartRecord:
    id: int
    token: str
    currency: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    order_id: int | None


@dataclass(frozen=True)
class PricedLine:
    """A line being shown or bought: the variant with its live price (`variant.amount`),
    the quantity, the unit price the shopper was shown (`unit_amount`), the units
    available when it was read (unlocked) and the storefront's words for them. `id` is
    the cart line's (None for a buy-now line)."""

    variant: PricedVariant
    quantity: int
    unit_amount: int
    available: int
    availability: Availability
    id: int | None = None
    offer: BackorderOffer | None = None  # the variant may be sold beyond stock
    tax_rate: EffectiveRate | None = None  # the GST rate of the variant (tax.sql)

    @property
    def max_quantity(self) -> int:
        """The most checkout accepts for this line now (unlocked read): the units on
        the shelves and what the variant may still sell beyond stock."""
        return max(self.available, 0) + (self.offer.left if self.offer else 0)

    @property
    def live_amount(self) -> int | None:
        return self.variant.amount

    @property
    def price(self) -> int:
        """The unit price the cart shows: the live one, else (no longer priced in the
        cart's currency) the one the shopper was shown."""
        return self.unit_amount if self.variant.amount is None else self.variant.amount


def priced_line(
    variant: PricedVariant,
    quantity: int,
    unit_amount: int,
    available: int,
    line_id: Any = None,
    offer: BackorderOffer | None = None,
    tax_rate: EffectiveRate | None = None,
) -> PricedLine:
    availability = describe_availability(
        variant_id=variant.id,
        sellable=variant.sellable,
        kind=variant.product.availability,
        available=available,
        offer=offer,
    )
    return PricedLine(
        variant, quantity, unit_amount, available, availability, line_id, offer, tax_rate
    )


@dataclass(frozen=True)
class CartRead:
    """A cart with its priced lines (oldest first) and the settings stamp, as read
    together."""

    cart: CartRecord
    lines: tuple[PricedLine, ...]
    settings_stamp: int | None


_CART_COLUMNS = (
    "c.id, c.token, c.currency_id, c.created_at, c.updated_at, c.completed_at, c.order_id"
)


def _cart(row: Sequence[Any]) -> CartRecord:
    pk, token, currency, created, updated, completed, order_id = row
    return CartRecord(
        pk,
        token,
        currency,
        sql.datetime_value(created),
        sql.datetime_value(updated),
        sql.datetime_value(completed),
        order_id,
    )


_LINE_VARIANT = priced_variant_sql(matching="= l.variant_id", currency="c.currency_id")
_LINE_OFFER = backorder_offer_sql("l.variant_id")
_LINE_RATE = rate_fragment("cat_p.id")
# One statement; a cart without lines still gives its own row.
_CART_SQL = f"""
SELECT {_CART_COLUMNS}, {stamp_sql()}, l.id, l.quantity, l.unit_amount,
       {_LINE_VARIANT.columns}, {available_units_sql("l.variant_id")}, {_LINE_OFFER.columns},
       {_LINE_RATE.columns}
FROM checkout_cart c
LEFT JOIN checkout_cartline l ON l.cart_id = c.id
{_LINE_VARIANT.joins}
{_LINE_OFFER.joins}
{_LINE_RATE.joins}
WHERE c.token = %s
ORDER BY l.id"""


def read_cart(token: str) -> CartRead | None:
    """The cart behind `token` with its lines, each with its variant, live price, units
    available and GST rate, and the settings stamp: one query. None for an unknown token."""
    rows = sql.fetch_all(_CART_SQL, [str(token)[:64]])
    if not rows:
        return None
    cart = _cart(rows[0][:7])
    book = rate_book(stamp=rows[0][7])
    lines = []
    end = 11 + _LINE_VARIANT.width
    for row in rows:
        variant = priced_variant(row[11:end])
        if row[8] is None or variant is None:
            continue
        offer = backorder_offer(row[end + 1 : end + 1 + _LINE_OFFER.width])
        at = end + 1 + _LINE_OFFER.width
        rate = effective_rate(row[at : at + RATE_WIDTH], book)
        lines.append(priced_line(variant, row[9], row[10], row[end], row[8], offer, rate))
    return CartRead(cart, tuple(lines), rows[0][7])


@dataclass(frozen=True)
class VariantsRead:
    """A currency (its code, whether the store sells in it), the wanted variants found
    (by id, with their price in it, units available and GST rate) and the settings
    stamp."""

    currency: str
    enabled: bool
    variants: dict[int, tuple[PricedVariant, int, BackorderOffer | None, EffectiveRate]]
    settings_stamp: int | None


@lru_cache(maxsize=256)
def _variants_sql(count: int, given: bool) -> tuple[str, int]:
    currency = currency_sql(given=given)
    variant = priced_variant_sql(matching=f"IN ({sql.placeholders(count)})", currency=currency.key)
    offer = backorder_offer_sql(variant.key)
    rate = rate_fragment("cat_p.id")
    statement = (
        f"SELECT {currency.columns}, {stamp_sql()}, {variant.columns}, "
        f"{available_units_sql(variant.key)}, {offer.columns}, {rate.columns} "
        f"FROM {currency.joins} {variant.joins} {offer.joins} {rate.joins} "
        f"WHERE {currency.where}"
    )
    return statement, variant.width


def read_variants(variant_ids: Sequence[int], currency: str | None) -> VariantsRead | None:
    """The currency `currency` (None: the store's default) with the wanted variants, their
    products, prices in it, units available and GST rates: one query. None when no such
    currency."""
    statement, width = _variants_sql(len(variant_ids), currency is not None)
    params = [*variant_ids, *([currency] if currency is not None else [])]
    rows = sql.fetch_all(statement, params)
    if not rows:
        return None
    code, enabled, stamp = rows[0][:3]
    book = rate_book(stamp=stamp)
    found = {}
    for row in rows:
        variant = priced_variant(row[3 : 3 + width])
        if variant is not None:
            offer = backorder_offer(row[4 + width : 4 + width + BACKORDER_OFFER_WIDTH])
            at = 4 + width + BACKORDER_OFFER_WIDTH
            rate = effective_rate(row[at : at + RATE_WIDTH], book)
            found[variant.id] = (variant, row[3 + width], offer, rate)
    return VariantsRead(code, bool(enabled), found, stamp)


@dataclass(frozen=True)
class AddLineRead:
    """The locked cart, the variant to add (None when unknown) with its price in the
    cart's currency, the cart's line count and the variant's quantity already in it."""

    cart: CartRecord
    variant: PricedVariant | None
    line_count: int
    in_cart: int | None


_ADD_VARIANT = priced_variant_sql(matching="= %s", currency="c.currency_id")
_ADD_LINE_SQL = f"""
SELECT {_CART_COLUMNS}, {_ADD_VARIANT.columns},
       (SELECT COUNT(*) FROM checkout_cartline l WHERE l.cart_id = c.id),
       (SELECT l.quantity FROM checkout_cartline l
         WHERE l.cart_id = c.id AND l.variant_id = {_ADD_VARIANT.key})
FROM checkout_cart c
{_ADD_VARIANT.joins}
WHERE c.token = %s{{lock}}"""


def lock_cart_for_line(token: str, variant_id: int) -> AddLineRead | None:
    """Lock the cart behind `token` and read what adding `variant_id` needs: one
    statement. None for an unknown token."""
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    row = sql.fetch_one(_ADD_LINE_SQL.format(lock=lock), [variant_id, str(token)[:64]])
    if row is None:
        return None
    end = 7 + _ADD_VARIANT.width
    return AddLineRead(_cart(row[:7]), priced_variant(row[7:end]), row[end], row[end + 1])


def insert_cart(*, token: str, currency: str, now: datetime) -> CartRecord:
    values = {"token": token, "currency_id": currency, "created_at": now, "updated_at": now}
    [(pk,)] = sql.insert_rows(Cart, [values])
    return CartRecord(pk, token, currency, now, now, None, None)


def insert_lines(rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """INSERT cart lines (dicts by field name); their ids, in order."""
    return [pk for (pk,) in sql.insert_rows(CartLine, rows)]


# A second add of one variant raises the line's quantity (the total is checked first).
_SAME_VARIANT = (
    "ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity, "
    "unit_amount = excluded.unit_amount, updated_at = excluded.updated_at"
)


def upsert_line(values: Mapping[str, Any]) -> int:
    """INSERT the line, or set the quantity and price of the cart's line of that variant."""
    [(pk,)] = sql.insert_rows(CartLine, [values], on_conflict=_SAME_VARIANT)
    return pk


def touch_cart(cart_id: int, now: datetime) -> None:
    sql.execute(
        "UPDATE checkout_cart SET updated_at = %s WHERE id = %s",
        [connection.ops.adapt_datetimefield_value(now), cart_id],
    )


def complete_cart(cart_id: int, order_id: int, now: datetime) -> bool:
    """Mark the cart checked out by the order, unless it was already (a conditional
    UPDATE): False when it was."""
    at = connection.ops.adapt_datetimefield_value(now)
    return bool(
        sql.execute(
            "UPDATE checkout_cart SET completed_at = %s, order_id = %s, updated_at = %s "
            "WHERE id = %s AND completed_at IS NULL",
            [at, order_id, at, cart_id],
        )
    )


def reprice_lines(prices: Mapping[int, int]) -> None:
    """Set the unit price of cart lines ({line id: amount}), in one UPDATE."""
    if not prices:
        return
    whens = " ".join(["WHEN %s THEN %s"] * len(prices))
    params: list[Any] = [x for pair in prices.items() for x in pair]
    sql.execute(
        f"UPDATE checkout_cartline SET unit_amount = CASE id {whens} END "
        f"WHERE id IN ({sql.placeholders(len(prices))})",
        [*params, *prices],
    )
