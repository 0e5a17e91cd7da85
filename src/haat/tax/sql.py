"""Tax's hand-written SQL: which GST rate applies to each of many variants, in ONE
statement. Catalog's tables come from catalog's fragments (catalog/sql.py); this module
names only tax's own.

The rule, defined here once: a product's own rate; else the rate of its nearest category
that has one (the categories it is in first, then their parents, then theirs), the higher
rate when two are equally near, so a product in two categories is never under-taxed; else
the store's default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from haat.catalog.sql import category_ancestry_cte, product_categories_sql, variant_product_sql
from haat.core import sql
from haat.tax.models import TaxSettings

DEFAULTS = TaxSettings()


@dataclass(frozen=True)
class EffectiveRate:
    """The GST rate (slab, percent) and cess (percent) of a variant, and where it comes
    from: the product's own rate, one of its categories' (`category_id`), or the store's
    default."""

    rate: int
    cess: Decimal
    source: Literal["product", "category", "default"]
    category_id: int | None = None


def _rate_id_sql(variant_id: str) -> str:
    """The id of the `tax_gstrate` row that applies to variant `variant_id` (an SQL
    expression; needs the `tax_anc` ancestry table in the statement's WITH clause)."""
    product = variant_product_sql(variant_id)
    return (
        "COALESCE("
        f"(SELECT tx_p.id FROM tax_gstrate tx_p WHERE tx_p.product_id = {product}), "
        "(SELECT tx_c.id FROM tax_anc "
        "JOIN tax_gstrate tx_c ON tx_c.category_id = tax_anc.ancestor_id "
        f"WHERE tax_anc.category_id IN ({product_categories_sql(product)}) "
        "ORDER BY tax_anc.depth, tx_c.rate DESC, tx_c.cess DESC, tx_c.id LIMIT 1))"
    )


def effective_rates(variant_ids: Iterable[int]) -> dict[int, EffectiveRate]:
    """The rate that applies to each variant (every id answered; an unknown id gets the
    store's default). One query, however many variants."""
    ids = list(dict.fromkeys(variant_ids))
    if not ids:
        return {}
    rows = ", ".join(["(CAST(%s AS BIGINT))"] * len(ids))
    statement = (
        f"WITH RECURSIVE {category_ancestry_cte('tax_anc')} "
        "SELECT tx_w.variant_id, tx_r.rate, tx_r.cess, tx_r.product_id, tx_r.category_id, "
        "tx_s.default_rate, tx_s.default_cess "
        f"FROM (SELECT wanted.column1 AS variant_id, {_rate_id_sql('wanted.column1')} AS rate_id "
        f"FROM (VALUES {rows}) AS wanted) tx_w "
        "LEFT JOIN tax_gstrate tx_r ON tx_r.id = tx_w.rate_id "
        "LEFT JOIN tax_taxsettings tx_s ON tx_s.id = 1"
    )
    found: dict[int, EffectiveRate] = {}
    for variant_id, rate, cess, product_id, category_id, d_rate, d_cess in sql.fetch_all(
        statement, ids
    ):
        if rate is not None:
            source = "product" if product_id is not None else "category"
            found[variant_id] = EffectiveRate(rate, _decimal(cess), source, category_id)
        elif d_rate is not None:
            found[variant_id] = EffectiveRate(d_rate, _decimal(d_cess), "default")
        else:
            found[variant_id] = EffectiveRate(
                DEFAULTS.default_rate, Decimal(DEFAULTS.default_cess), "default"
            )
    return found


def _decimal(value: object) -> Decimal:
    # SQLite hands back a DecimalField as a float or a string; PostgreSQL as a Decimal.
    return Decimal(str(value)).quantize(Decimal("0.01"))
