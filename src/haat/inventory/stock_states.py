"""The stock state a shopper sees, computed from the same numbers checkout takes by.

One definition for every reader: the storefront's product list and detail (registered
as catalog's `stock_states` callback in `InventoryConfig.ready()`), the availability
endpoint and the cart. A variant is

- `unavailable`: the variant or product is not for sale, or the merchant marked it
  temporarily unavailable (checkout refuses it);
- `in_stock` / `low_stock` ("Only N left", below `HAAT_ONLY_N_LEFT`): units on the
  shelves of active locations, on hand minus reserved (`inventory.sql.available_units_sql`);
- `pre_order` / `backorder`: nothing on the shelves, but its `BackorderPolicy` may still
  sell units beyond stock (with the promised date or lead time);
- `out_of_stock`: neither.

`max_quantity` is what one checkout accepts now: the shelves plus the allowance left. The
product's own `availability` tag ("Ships in 2-3 days") is the merchant's promise and
plays no part here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import F

from haat.catalog.models import Product, Variant
from haat.catalog.stock_state import STATUSES, ProductStock, StockState
from haat.core import sql
from haat.inventory.sql import BackorderOffer, available_units_annotation, date_value


def only_n_left() -> int:
    return settings.HAAT_ONLY_N_LEFT


def _promise(offer: BackorderOffer) -> str:
    if offer.ships_on:
        return f"ships by {offer.ships_on:%-d %b %Y}"
    return f"ships in {offer.ships_in_days} days"


def compute_state(
    *, sellable: bool, on_hold: bool, available: int, offer: BackorderOffer | None
) -> StockState:
    """A variant's state: `sellable` (variant and product active), `on_hold` (the
    merchant's "temporarily unavailable"), the units `available` on the shelves and its
    policy's `offer` (None: never sold beyond stock)."""
    n = max(available, 0)
    if not sellable or on_hold:
        return StockState("unavailable", "Unavailable", 0, 0)
    left = offer.left if offer else 0
    promise = {"ships_on": offer.ships_on, "ships_in_days": offer.ships_in_days} if offer else {}
    if n > 0:
        low = n < only_n_left()
        return StockState(
            "low_stock" if low else "in_stock",
            f"Only {n} left" if low else "In stock",
            n,
            n + left,
            **(promise if left else {}),
        )
    if offer and left > 0:
        text = _promise(offer)
        message = f"Pre-order: {text}" if offer.mode == "pre_order" else text.capitalize()
        return StockState(offer.mode, message, 0, left, **promise)
    return StockState("out_of_stock", "Out of stock", 0, 0)


RANK = {status: i for i, status in enumerate(STATUSES)}


def roll_up(states: list[StockState]) -> StockState:
    """A product's state from its variants': the best any variant offers (in stock
    before low, low before pre-order, ...). "Only N left" counts every low variant;
    `max_quantity` is the most one variant accepts."""
    if not states:
        return StockState("unavailable", "Unavailable", 0, 0)
    best = min(states, key=lambda s: RANK[s.status])
    same = [s for s in states if s.status == best.status]
    most = max(s.max_quantity for s in states)
    if best.status == "low_stock":
        n = sum(s.available for s in same)
        low = n < only_n_left()
        return StockState(
            "low_stock" if low else "in_stock",
            f"Only {n} left" if low else "In stock",
            n,
            most,
        )
    if best.status in ("pre_order", "backorder"):
        soonest = min(same, key=lambda s: s.ships_on or date.max)
        return StockState(
            best.status,
            soonest.message,
            0,
            most,
            soonest.ships_on,
            soonest.ships_in_days,
        )
    return StockState(
        best.status,
        best.message,
        sum(s.available for s in same),
        most,
        best.ships_on,
        best.ships_in_days,
    )


def variant_states(
    variant_ids: Iterable[int] = (), *, product_ids: Iterable[int] = ()
) -> dict[int, tuple[int, StockState]]:
    """{variant id: (product id, state)} for these variants, or every active variant of
    these products. ONE query: units available, the policy (LEFT JOIN) and the product's
    status and tag come with each variant."""
    variant_ids, product_ids = list(variant_ids), list(product_ids)
    qs = Variant.objects.all()
    if product_ids:
        qs = qs.filter(product_id__in=product_ids, is_active=True)
    else:
        qs = qs.filter(pk__in=variant_ids)
    rows = qs.annotate(
        units=available_units_annotation(f"{sql.table(Variant)}.{sql.column(Variant, 'id')}"),
        bp_mode=F("backorder_policy__mode"),
        bp_left=F("backorder_policy__cap") - F("backorder_policy__committed"),
        bp_on=F("backorder_policy__ships_on"),
        bp_days=F("backorder_policy__ships_in_days"),
    ).values_list(
        "id",
        "product_id",
        "is_active",
        "product__status",
        "product__availability",
        "units",
        "bp_mode",
        "bp_left",
        "bp_on",
        "bp_days",
    )
    out = {}
    for pk, product_id, active, status, tag, units, mode, left, on, days in rows:
        offer = BackorderOffer(mode, max(int(left), 0), date_value(on), days) if mode else None
        state = compute_state(
            sellable=bool(active) and status == Product.Status.ACTIVE,
            on_hold=tag == Product.Availability.UNAVAILABLE,
            available=units or 0,
            offer=offer,
        )
        out[pk] = (product_id, state)
    return out


def product_states(product_ids: Iterable[int]) -> dict[int, ProductStock]:
    """Catalog's `stock_states` callback: each product's state with its active
    variants'. One query for any number of products."""
    ids = list(product_ids)
    by_product: dict[int, dict[int, StockState]] = defaultdict(dict)
    for variant_id, (product_id, state) in variant_states(product_ids=ids).items():
        by_product[product_id][variant_id] = state
    return {pk: ProductStock(roll_up(list(by_product[pk].values())), by_product[pk]) for pk in ids}
