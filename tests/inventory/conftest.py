"""Builders for inventory tests: real catalog services, real inventory services."""

from __future__ import annotations

import itertools

import pytest

from haat.catalog import services as catalog
from haat.catalog.models import Variant
from haat.core.money import Money
from haat.inventory import locations, services
from haat.inventory.models import Location

_seq = itertools.count(1)


def make_variant(sku: str | None = None, *, cost: int | None = None, **product) -> Variant:
    product.setdefault("status", "active")
    p = catalog.create_product(title=product.pop("title", f"Kurta {next(_seq)}"), **product)
    return catalog.create_variant(
        product=p,
        sku=sku or f"SKU-{next(_seq)}",
        cost=Money(cost, "INR") if cost is not None else None,
    )


def make_location(code: str, priority: int = 100, **fields) -> Location:
    return locations.create_location(
        name=fields.pop("name", code.title()), code=code, priority=priority, **fields
    )


def receive(variant: Variant, location: Location, quantity: int) -> None:
    services.receive_stock(variant_id=variant.pk, location_id=location.pk, quantity=quantity)


@pytest.fixture
def warehouse(db) -> Location:
    return make_location("main", priority=10)


@pytest.fixture
def shop(db) -> Location:
    return make_location("shop", priority=20, kind="partner_shop")
