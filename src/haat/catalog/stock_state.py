"""What the storefront's product list and detail say about stock, as a narrow callback.

Catalog sits below inventory (docs/architecture.md, Layers) and never imports it, yet
its store endpoints must say, per product and per variant, whether the shopper can buy
it now: in stock, only N left, out of stock, or sold beyond stock as a pre-order or a
backorder. Inventory computes that (the same numbers checkout accepts, see
`inventory.stock_states`) and registers `stock_states` in `InventoryConfig.ready()`.

This is separate from `Product.availability`, the merchant's own tag ("Ships in 2-3
days", "Pre-order"): a promise the merchant sets, never derived from stock.

Unregistered (inventory not installed), nothing is for sale: every state is
`unavailable`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

STATUSES = ("in_stock", "low_stock", "pre_order", "backorder", "out_of_stock", "unavailable")


@dataclass(frozen=True)
class StockState:
    """A variant's (or a product's, rolled up) stock as the storefront shows it.

    `available`: units on the shelf that can still be held; `max_quantity`: the most
    one checkout accepts now (shelf plus what may still be sold beyond stock);
    `ships_on` / `ships_in_days`: the promise for units sold beyond stock."""

    status: str
    message: str
    available: int
    max_quantity: int
    ships_on: date | None = None
    ships_in_days: int | None = None

    @property
    def purchasable(self) -> bool:
        return self.max_quantity > 0


UNAVAILABLE = StockState("unavailable", "Unavailable", 0, 0)


@dataclass(frozen=True)
class ProductStock:
    product: StockState
    variants: dict[int, StockState]


# product ids -> {product id: ProductStock}; a constant number of queries for any count.
StockStates = Callable[[Iterable[int]], dict[int, ProductStock]]

_registered: list[StockStates] = []


def register(provider: StockStates) -> None:
    _registered[:] = [provider]


def stock_states(product_ids: Iterable[int]) -> dict[int, ProductStock]:
    ids = list(product_ids)
    if not ids:
        return {}
    if not _registered:
        return {pk: ProductStock(UNAVAILABLE, {}) for pk in ids}
    return _registered[0](ids)
