"""The product editor's stock panel, as a narrow callback inventory fills in.

Catalog sits below inventory (docs/architecture.md, Layers) and never imports it, yet the
product editor shows each variant's stock: on hand, reserved and available at each
location, read-only (stock changes go through inventory's own pages and ledger).
Inventory registers `variant_stock` in `InventoryConfig.ready()`; the editor calls it
once for all the product's variants, in a fixed number of queries.

Unregistered (inventory not installed), the editor shows no stock panel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LocationStock:
    location: str  # the location's name, as the merchant calls it
    on_hand: int
    reserved: int
    available: int
    active: bool = True


@dataclass(frozen=True)
class VariantStock:
    on_hand: int
    reserved: int
    available: int
    locations: tuple[LocationStock, ...]
    url: str = ""  # inventory's page for this variant (history, receive, adjust)


# variant ids -> {variant id: VariantStock}; variants with no stock rows may be missing.
StockReader = Callable[[Iterable[int]], dict[int, VariantStock]]

_registered: list[StockReader] = []


def register(reader: StockReader) -> None:
    _registered[:] = [reader]


def is_registered() -> bool:
    return bool(_registered)


def variant_stock(variant_ids: Iterable[int]) -> dict[int, VariantStock]:
    ids = list(variant_ids)
    if not ids or not _registered:
        return {}
    return _registered[0](ids)
