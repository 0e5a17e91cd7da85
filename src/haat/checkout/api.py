"""Cart and checkout API for storefronts (`/api/v1/store/carts...`).

Parse, call the service, shape the reply: the rules live in `carts.py` / `services.py`.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Status

from haat.api.auth import StorefrontAuth
from haat.checkout import carts, services
from haat.checkout.schemas import (
    BuyNowIn,
    CartCreateIn,
    CartPatchIn,
    CheckoutIn,
    LineIn,
    LinePatchIn,
    OptionsQuery,
)
from haat.checkout.selectors import cart_payload, cart_payment_options, cart_view

store_router = Router(auth=StorefrontAuth, tags=["store: cart & checkout"])


@store_router.post("carts", response={201: dict})
def create_cart(request: HttpRequest, payload: CartCreateIn | None = None) -> Any:
    """A new cart in the given enabled currency (default: the store's). Optional `lines`
    (`[{variant_id, quantity}]`, validated like adding a line; all or nothing) make it a
    one-request "buy now" ready for checkout."""
    created = carts.create_cart_with_lines(
        currency=payload.currency if payload else None,
        lines=[(line.variant_id, line.quantity) for line in payload.lines] if payload else (),
    )
    return Status(201, cart_payload(created))


@store_router.get("carts/{token}", response=dict)
def get_cart(request: HttpRequest, token: str) -> Any:
    """Lines with prices in the cart's currency, totals and live availability."""
    return cart_view(token=token)


@store_router.patch("carts/{token}", response=dict)
def update_cart(request: HttpRequest, token: str, payload: CartPatchIn) -> Any:
    """Change the currency; every line is re-priced in it."""
    carts.set_currency(token=token, currency=payload.currency)
    return cart_view(token=token)


@store_router.post("carts/{token}/lines", response={201: dict})
def add_line(request: HttpRequest, token: str, payload: LineIn) -> Any:
    """Add a variant (adding one already in the cart increases its quantity)."""
    carts.add_line(token=token, variant_id=payload.variant_id, quantity=payload.quantity)
    return Status(201, cart_view(token=token))


@store_router.patch("carts/{token}/lines/{line_id}", response=dict)
def update_line(request: HttpRequest, token: str, line_id: int, payload: LinePatchIn) -> Any:
    """Set a line's quantity (a whole number from 1 to 1,000). Returns the cart with live
    prices and each line's availability; stock is held only at checkout."""
    carts.update_line(token=token, line_id=line_id, quantity=payload.quantity)
    return cart_view(token=token)


@store_router.delete("carts/{token}/lines/{line_id}", response=dict)
def remove_line(request: HttpRequest, token: str, line_id: int) -> Any:
    """Remove a line from the cart. Returns the cart."""
    carts.remove_line(token=token, line_id=line_id)
    return cart_view(token=token)


@store_router.get("carts/{token}/payment-options", response=dict, tags=["store: payments"])
def payment_options(request: HttpRequest, token: str, query: Query[OptionsQuery]) -> Any:
    """Each payment type for this cart and address: available or why not, and what is
    paid now and on delivery (always summing to the total)."""
    return cart_payment_options(
        token=token,
        address={"state": query.state, "country": query.country, "postal_code": query.postal_code},
        express_sourcing=query.express_sourcing,
    )


@store_router.post("carts/{token}/checkout", response={201: dict, 200: dict})
def checkout(
    request: HttpRequest,
    token: str,
    payload: CheckoutIn,
) -> Any:
    """Place the order. 409 `out_of_stock` names every short line (nothing held),
    409 `price_changed` lists new prices (the cart is updated; submit again). Send an
    `Idempotency-Key` header to make retries safe: the same key and body return the
    first reply (with `Idempotent-Replayed: true`)."""
    result = services.checkout(
        token=token,
        data=payload.model_dump(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return _reply(result)


@store_router.post("checkout", response={201: dict, 200: dict})
def buy_now(request: HttpRequest, payload: BuyNowIn) -> Any:
    """Buy now: place the order for `lines` in one request, without a cart (the body of a
    cart checkout plus `lines` and an optional `currency`). Same rules and reply as the
    cart checkout: 409 `out_of_stock` names every short line and changes nothing; a line's
    optional `expected_unit_amount` (the price the shopper was shown, minor units) that
    differs from the live price is a 409 `price_changed`. Send an `Idempotency-Key`:
    the same key and body return the first reply (`Idempotent-Replayed: true`)."""
    result = services.buy_now(
        data=payload.model_dump(), idempotency_key=request.headers.get("Idempotency-Key")
    )
    return _reply(result)


def _reply(result: services.CheckoutResult) -> JsonResponse:
    response = JsonResponse(result.body, status=result.status, encoder=DjangoJSONEncoder)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
