"""Small builders for the catalog domain tests (they call the real services)."""

from __future__ import annotations

from haat.catalog import services
from haat.catalog.models import Product, Variant
from haat.catalog.pricing import PriceInput
from haat.core.money import Money


def inr(major: str) -> Money:
    return Money.from_decimal(major, "INR")


def price(major: str, currency: str = "INR", compare_at: str | None = None) -> PriceInput:
    return PriceInput(
        Money.from_decimal(major, currency),
        Money.from_decimal(compare_at, currency) if compare_at else None,
    )


def make_product(title: str = "Kurta", sizes: tuple[str, ...] = (), **fields) -> Product:
    product = services.create_product(title=title, **fields)
    if sizes:
        services.set_product_options(product=product, options=[("Size", list(sizes))])
    return product


def make_variant(product: Product, sku: str, *prices: PriceInput, **fields) -> Variant:
    return services.create_variant(product=product, sku=sku, prices=list(prices), **fields)
