"""Tax's hand-written SQL: a product's own GST rate and its categories, as a fragment of
the statement that prices it, and the rate of many variants in ONE statement. Catalog's
tables come from catalog's fragments (catalog/sql.py); this module names only tax's own.
What the categories make of the rate is the rate book's (tax/rates.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from haat.catalog.sql import category_ids, product_category_ids_sql, variant_product_sql
from haat.core import sql
from haat.core.settings_stamp import stamp_sql
from haat.tax.rates import EffectiveRate, RateBook, rate_book

__all__ = ["RATE_WIDTH", "EffectiveRate", "effective_rate", "effective_rates", "rate_fragment"]

RATE_WIDTH = 3


def rate_fragment(product_id: str) -> sql.Fragment:
    """Product `product_id`'s own rate (an SQL expression of the outer statement) and its
    categories; read back with `effective_rate` and the rate book of the statement's
    settings stamp."""
    return sql.Fragment(
        columns=f"tx_r.rate, tx_r.cess, {product_category_ids_sql(product_id)}",
        joins=f"LEFT JOIN tax_gstrate tx_r ON tx_r.product_id = {product_id}",
        width=RATE_WIDTH,
    )


def effective_rate(values: Sequence[Any], book: RateBook) -> EffectiveRate:
    """The rate in `rate_fragment`'s columns."""
    rate, cess, categories = values
    own = EffectiveRate(rate, _decimal(cess), "product") if rate is not None else None
    return book.for_product(own, category_ids(categories))


_EFFECTIVE = rate_fragment(variant_product_sql("tx_w.column1"))


def effective_rates(variant_ids: Iterable[int]) -> dict[int, EffectiveRate]:
    """The rate that applies to each variant (every id answered; an unknown id gets the
    store's default). One query, however many variants (three more after a change of
    the rates or categories, once per process)."""
    ids = list(dict.fromkeys(variant_ids))
    if not ids:
        return {}
    rows = ", ".join(["(CAST(%s AS BIGINT))"] * len(ids))
    statement = (
        f"SELECT tx_w.column1, {stamp_sql()}, {_EFFECTIVE.columns} "
        f"FROM (VALUES {rows}) AS tx_w {_EFFECTIVE.joins}"
    )
    found = sql.fetch_all(statement, ids)
    book = rate_book(stamp=found[0][1])
    return {row[0]: effective_rate(row[2:], book) for row in found}


def _decimal(value: object) -> Decimal:
    # SQLite hands back a DecimalField as a float or a string; PostgreSQL as a Decimal.
    return Decimal(str(value)).quantize(Decimal("0.01"))
