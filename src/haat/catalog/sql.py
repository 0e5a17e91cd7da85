"""Catalog's tables in other contexts' hand-written statements, and back as values.

Checkout reads a cart's lines with their live prices and stock in ONE statement, and
inventory guards its one-row stock UPDATE by the variant's state (see core/sql.py for why
those paths are hand-written). Those statements are composed elsewhere, but only this
module names catalog's tables: it hands out the pieces (columns, joins, conditions on a
variant id that is an SQL expression of the outer statement) and turns catalog's columns
of a row back into a frozen `PricedVariant`, so no caller builds a model instance by hand
and a column it did not read cannot pass for an empty one. Aliases start with `cat_`,
clear of the composing statement's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from haat.catalog.models import Product, option_title
from haat.core import sql


@dataclass(frozen=True)
class ProductSummary:
    """What a cart, an order line and the payment rules need of a product."""

    id: int
    title: str
    status: str
    availability: str  # Product.Availability: how the storefront words stock
    expected_days: int | None


@dataclass(frozen=True)
class PricedVariant:
    """A variant with its product and its price in one currency (`amount`, minor units;
    None when it has no price there)."""

    id: int
    sku: str
    option_values: dict[str, Any]
    is_active: bool
    product: ProductSummary
    amount: int | None
    weight_grams: int | None = None  # for shipping quotes at checkout

    @property
    def product_id(self) -> int:
        return self.product.id

    @property
    def title(self) -> str:
        return option_title(self.option_values)

    @property
    def sellable(self) -> bool:
        """Both the variant and its product are for sale."""
        return self.is_active and self.product.status == Product.Status.ACTIVE

    @property
    def on_hold(self) -> bool:
        """The merchant marked the product "temporarily unavailable": listed, not sold."""
        return self.product.availability == Product.Availability.UNAVAILABLE


PRICED_VARIANT_WIDTH = 11


def priced_variant_sql(*, matching: str, currency: str) -> sql.Fragment:
    """The variant whose id satisfies `cat_v.id {matching}` (e.g. `= l.variant_id` or
    `IN (%s, %s)`), LEFT JOINed with its product, and its price in `currency` (an SQL
    expression); read back with `priced_variant`."""
    return sql.Fragment(
        columns=(
            "cat_v.id, cat_v.sku, cat_v.option_values, cat_v.is_active, cat_p.id, cat_p.title, "
            "cat_p.status, cat_p.availability, cat_p.expected_days, "
            "(SELECT cat_vp.amount FROM catalog_variantprice cat_vp "
            f"WHERE cat_vp.variant_id = cat_v.id AND cat_vp.currency_id = {currency}), "
            "cat_v.weight_grams"
        ),
        joins=(
            f"LEFT JOIN catalog_variant cat_v ON cat_v.id {matching} "
            "LEFT JOIN catalog_product cat_p ON cat_p.id = cat_v.product_id"
        ),
        width=PRICED_VARIANT_WIDTH,
        key="cat_v.id",
    )


def priced_variant(values: Sequence[Any]) -> PricedVariant | None:
    """The `PricedVariant` in `priced_variant_sql`'s columns; None when the join found no
    variant."""
    variant_id, sku, options, active, product_id, title, status, kind, days, amount, grams = values
    if variant_id is None:
        return None
    product = ProductSummary(product_id, title, status, kind, days)
    return PricedVariant(
        variant_id, sku, sql.json_value(options), bool(active), product, amount, grams
    )


def variant_sku_sql(variant_id: str) -> str:
    """The SKU of the variant `variant_id` (an SQL expression), as a scalar subquery."""
    return f"(SELECT cat_v.sku FROM catalog_variant cat_v WHERE cat_v.id = {variant_id})"


def variant_active_sql(variant_id: str) -> str:
    """True when the variant `variant_id` (an SQL expression) is active."""
    return (
        "EXISTS (SELECT 1 FROM catalog_variant cat_v "
        f"WHERE cat_v.id = {variant_id} AND cat_v.is_active)"
    )


def product_category_ids_sql(product_id: str) -> str:
    """The ids of the categories product `product_id` (an SQL expression) is directly in,
    as one text column ("3,7"; NULL for none), read back with `category_ids`."""
    if connection.vendor == "postgresql":
        agg = "string_agg(CAST(cat_pc.category_id AS TEXT), ',')"
    else:
        agg = "group_concat(cat_pc.category_id, ',')"
    return (
        f"(SELECT {agg} FROM catalog_product_categories cat_pc "
        f"WHERE cat_pc.product_id = {product_id})"
    )


def category_ids(value: str | None) -> tuple[int, ...]:
    """`product_category_ids_sql`'s column as ids."""
    return tuple(int(part) for part in (value or "").split(",") if part)


def variant_product_sql(variant_id: str) -> str:
    """The product id of the variant `variant_id` (an SQL expression), as a scalar subquery."""
    return f"(SELECT cat_v.product_id FROM catalog_variant cat_v WHERE cat_v.id = {variant_id})"
