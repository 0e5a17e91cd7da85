"""Builders for checkout/orders tests: real catalog, inventory and checkout services."""

from __future__ import annotations

import itertools
from typing import Any

from haat.catalog import services as catalog
from haat.catalog.models import Variant
from haat.catalog.pricing import PriceInput
from haat.core.money import Money
from haat.inventory import locations, services
from haat.inventory.models import Location, StockLevel, StockMovement
from haat.inventory.selectors import available_by_variant

_seq = itertools.count(1)

ADDRESS = {
    "name": "Meera Iyer",
    "line1": "12 Residency Road",
    "line2": "Flat 4B",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560025",
    "country": "IN",
}


def make_location(code: str = "main", priority: int = 10) -> Location:
    return locations.create_location(name=code.title(), code=code, priority=priority)


def make_variant(
    *,
    price: str = "999.00",
    currency_prices: dict[str, str] | None = None,
    sku: str = "",
    stock: int = 0,
    location: Location | None = None,
    title: str = "",
    **product: Any,
) -> Variant:
    """An active product with one variant priced in INR (and `currency_prices`), with
    `stock` units received at `location`."""
    n = next(_seq)
    product.setdefault("status", "active")
    p = catalog.create_product(title=title or f"Block-print Kurta {n}", **product)
    prices = [PriceInput(Money.from_decimal(price, "INR"))]
    prices += [PriceInput(Money.from_decimal(a, c)) for c, a in (currency_prices or {}).items()]
    variant = catalog.create_variant(product=p, sku=sku or f"KURTA-{n}", prices=prices)
    if stock:
        location = location or Location.objects.order_by("priority").first() or make_location()
        services.receive_stock(variant_id=variant.pk, location_id=location.pk, quantity=stock)
    return variant


def available(variant: Variant) -> int:
    return available_by_variant([variant.pk])[variant.pk]


def on_hand(variant: Variant) -> int:
    return sum(StockLevel.objects.filter(variant=variant).values_list("on_hand", flat=True))


def ledger_sum(variant: Variant) -> int:
    return sum(StockMovement.objects.filter(variant=variant).values_list("quantity", flat=True))


def checkout_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "email": "meera@example.in",
        "phone": "98450 12345",
        "name": "Meera Iyer",
        "shipping_address": dict(ADDRESS),
        "payment_type": "cod",
    }
    body.update(overrides)
    return body


def new_cart(api, currency: str | None = None) -> str:
    r = api.post("/api/v1/store/carts", {"currency": currency} if currency else {})
    assert r.status_code == 201, r.content
    return r.json()["token"]


def fill_cart(api, variant: Variant, quantity: int = 1, currency: str | None = None) -> str:
    token = new_cart(api, currency)
    r = api.post(
        f"/api/v1/store/carts/{token}/lines", {"variant_id": variant.pk, "quantity": quantity}
    )
    assert r.status_code == 201, r.content
    return token
