"""Cart and checkout API for storefronts (`/api/v1/store/carts...`).

Parse, call the service, shape the reply: the rules live in `carts.py` / `services.py`.
Cart and checkout replies are the flash sale's hot path: built once as dicts and sent as
they are (`core.replies`); `CartOut` and `PlacedOrderOut` document them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from haat.api.auth import StorefrontAuth
from haat.checkout import carts, services
from haat.checkout.schemas import (
    BuyNowIn,
    CartCreateIn,
    CartOut,
    CartPatchIn,
    CartPaymentOptionsOut,
    CheckoutIn,
    LineIn,
    LinePatchIn,
    OptionsQuery,
    PlacedOrderOut,
    ShippingQuery,
)
from haat.checkout.selectors import (
    cart_payload,
    cart_payment_options,
    cart_shipping_options,
    cart_view,
)
from haat.core import idempotency
from haat.core.idempotency import Reply
from haat.core.replies import send
from haat.core.schemas import errors
from haat.orders.selectors import order_payload
from haat.payments.flows import payment_payload
from haat.shipping.schemas import ShippingQuoteOut

store_router = Router(auth=StorefrontAuth, tags=["store: cart & checkout"])
IDEMPOTENCY_SCOPE = "checkout"
CART_ERRORS = errors(401, 404, 409, 422)  # unknown or expired cart, checked out, bad input


@store_router.post("carts", response={201: CartOut, **errors(401, 422)})
def create_cart(request: HttpRequest, payload: CartCreateIn | None = None) -> JsonResponse:
    """A new cart in the given enabled currency (default: the store's). Optional `lines`
    (`[{variant_id, quantity}]`, validated like adding a line; all or nothing) make it a
    one-request "buy now" ready for checkout."""
    created = carts.create_cart_with_lines(
        currency=payload.currency if payload else None,
        lines=[(line.variant_id, line.quantity) for line in payload.lines] if payload else (),
    )
    return send(cart_payload(created), status=201)


@store_router.get("carts/{token}", response={200: CartOut, **errors(401, 404)})
def get_cart(request: HttpRequest, token: str) -> JsonResponse:
    """Lines with prices in the cart's currency, totals and live availability."""
    return send(cart_view(token=token))


@store_router.patch("carts/{token}", response={200: CartOut, **CART_ERRORS})
def update_cart(request: HttpRequest, token: str, payload: CartPatchIn) -> JsonResponse:
    """Change the currency; every line is re-priced in it."""
    carts.set_currency(token=token, currency=payload.currency)
    return send(cart_view(token=token))


@store_router.post("carts/{token}/lines", response={201: CartOut, **CART_ERRORS})
def add_line(request: HttpRequest, token: str, payload: LineIn) -> JsonResponse:
    """Add a variant (adding one already in the cart increases its quantity)."""
    carts.add_line(token=token, variant_id=payload.variant_id, quantity=payload.quantity)
    return send(cart_view(token=token), status=201)


@store_router.patch("carts/{token}/lines/{line_id}", response={200: CartOut, **CART_ERRORS})
def update_line(
    request: HttpRequest, token: str, line_id: int, payload: LinePatchIn
) -> JsonResponse:
    """Set a line's quantity (a whole number from 1 to 1,000). Returns the cart with live
    prices and each line's availability; stock is held only at checkout."""
    carts.update_line(token=token, line_id=line_id, quantity=payload.quantity)
    return send(cart_view(token=token))


@store_router.delete("carts/{token}/lines/{line_id}", response={200: CartOut, **CART_ERRORS})
def remove_line(request: HttpRequest, token: str, line_id: int) -> JsonResponse:
    """Remove a line from the cart. Returns the cart."""
    carts.remove_line(token=token, line_id=line_id)
    return send(cart_view(token=token))


@store_router.get(
    "carts/{token}/payment-options",
    response={200: CartPaymentOptionsOut, **CART_ERRORS},
    tags=["store: payments"],
)
def payment_options(request: HttpRequest, token: str, query: Query[OptionsQuery]) -> Any:
    """Each payment type for this cart and address: available or why not, and what is
    paid now and on delivery (always summing to the total), and the GST for the address
    (CGST + SGST in the store's state, IGST elsewhere; added to the total when prices
    exclude tax)."""
    return cart_payment_options(
        token=token,
        address={"state": query.state, "country": query.country, "postal_code": query.postal_code},
        express_sourcing=query.express_sourcing,
        shipping_service=query.shipping_service.strip().lower(),
    )


@store_router.get(
    "carts/{token}/shipping-options",
    response={200: ShippingQuoteOut, **CART_ERRORS},
    tags=["store: shipping"],
)
def shipping_options(request: HttpRequest, token: str, query: Query[ShippingQuery]) -> Any:
    """The store's shipping options for this cart and address, cheapest first: price
    (free above the zone's threshold), cash on delivery or not, estimated delivery dates.
    Checkout charges the one its `shipping_service` names (default: the cheapest). 422
    `unserviceable_pin` for a PIN no courier reaches, `no_shipping_option` for an address
    no rate covers; `options` is empty while the store has no shipping zones."""
    return cart_shipping_options(
        token=token,
        address={"state": query.state, "country": query.country, "postal_code": query.postal_code},
    )


@store_router.post("carts/{token}/checkout", response={201: PlacedOrderOut, **CART_ERRORS})
def checkout(request: HttpRequest, token: str, payload: CheckoutIn) -> JsonResponse:
    """Place the order. 409 `out_of_stock` names every short line (nothing held),
    409 `price_changed` lists new prices (the cart is updated; submit again). Send an
    `Idempotency-Key` header to make retries safe: the same key and body return the
    first reply (with `Idempotent-Replayed: true`); another body under it is a 422
    `idempotency_key_reused`."""
    idem = idempotency.idempotent_request(
        scope=IDEMPOTENCY_SCOPE,
        key=request.headers.get("Idempotency-Key"),
        request={"cart": token, "body": payload.model_dump()},
        answer=placed_reply,
    )
    return _respond(services.checkout(token=token, details=payload, idempotency_request=idem))


@store_router.post("checkout", response={201: PlacedOrderOut, **errors(401, 409, 422)})
def buy_now(request: HttpRequest, payload: BuyNowIn) -> JsonResponse:
    """Buy now: place the order for `lines` in one request, without a cart (the body of a
    cart checkout plus `lines` and an optional `currency`). Same rules and reply as the
    cart checkout: 409 `out_of_stock` names every short line and changes nothing; a line's
    optional `expected_unit_amount` (the price the shopper was shown, minor units) that
    differs from the live price is a 409 `price_changed`. Send an `Idempotency-Key`:
    the same key and body return the first reply (`Idempotent-Replayed: true`), another
    body under it is a 422 `idempotency_key_reused`."""
    idem = idempotency.idempotent_request(
        scope=IDEMPOTENCY_SCOPE,
        key=request.headers.get("Idempotency-Key"),
        request={"buy_now": payload.model_dump()},
        answer=placed_reply,
    )
    return _respond(services.buy_now(details=payload, idempotency_request=idem))


def placed_reply(placed: services.Placed) -> Reply:
    """201 with the order (`PlacedOrderOut`); with its online part, the payment opened
    for it or why it could not be (`payment_error`)."""
    body = order_payload(placed.order, placed.lines)
    if placed.online:
        payment, gateway = placed.payment, placed.gateway_checkout
        body["payment"] = payment_payload(payment, gateway) if payment and gateway else None
        if placed.payment_error is not None:
            body["payment_error"] = placed.payment_error.as_body()["error"]
    return Reply(201, body)


def _respond(result: services.Placed | Reply) -> JsonResponse:
    reply = result if isinstance(result, Reply) else placed_reply(result)
    return send(reply.body, status=reply.status, replayed=reply.replayed)
