"""Cart reads for the storefront: lines priced in the cart's currency with their live
availability, and the payment options for those prices. One query each, whatever the
number of lines (`checkout.sql.read_cart`)."""

from __future__ import annotations

from typing import Any

from haat.checkout import shipping
from haat.checkout.carts import CART_TTL, check_token_age
from haat.checkout.error_codes import CheckoutError
from haat.checkout.sql import CartRead, read_cart
from haat.checkout.tax import line_tax, tax_added, tax_json
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.money import Money, money_json
from haat.orders.models import Order
from haat.payments.config import payment_config
from haat.payments.options import PaymentQuote
from haat.shipping.quote import Quote, parcel_weight
from haat.shipping.selectors import quote_json


def cart_read(token: str) -> CartRead:
    """The cart behind `token` with its priced lines (404 when unknown or expired)."""
    read = read_cart(token)
    if read is None:
        raise NotFound("No cart with this token.", code=CheckoutError.CART_NOT_FOUND)
    check_token_age(read.cart)
    return read


def open_cart_lines(token: str) -> CartRead:
    """The cart behind `token`, still open and with lines (what options and checkout need);
    409 `cart_completed` or 422 `cart_empty` otherwise."""
    read = cart_read(token)
    if read.cart.completed_at is not None:
        raise Conflict("This cart has been checked out already.", code=CheckoutError.CART_COMPLETED)
    if not read.lines:
        raise ValidationError(
            "The cart is empty.", code=CheckoutError.CART_EMPTY, details={"field": "lines"}
        )
    return read


def cart_view(*, token: str) -> dict[str, Any]:
    """The storefront's cart: one query (two for a cart already checked out)."""
    return cart_payload(cart_read(token))


def cart_payload(read: CartRead) -> dict[str, Any]:
    """The cart as the storefront sees it."""
    cart, lines, currency = read.cart, read.lines, read.cart.currency
    out_lines = []
    subtotal = 0
    for line in lines:
        unit = line.price
        subtotal += unit * line.quantity
        status = line.availability
        out_lines.append(
            {
                "id": line.id,
                "variant_id": line.variant.id,
                "sku": line.variant.sku,
                "product_title": line.variant.product.title,
                "variant_title": line.variant.title,
                "option_values": line.variant.option_values,
                "quantity": line.quantity,
                "unit_price": money_json(unit, currency),
                "line_total": money_json(unit * line.quantity, currency),
                # The shopper added it at another price: checkout will ask them to confirm.
                "price_changed": line.live_amount != line.unit_amount,
                "availability": {
                    **{k: v for k, v in status.as_dict().items() if k != "variant_id"},
                    "enough": line.max_quantity >= line.quantity,
                },
            }
        )
    order = Order.objects.only("id", "token").get(pk=cart.order_id) if cart.order_id else None
    tax = line_tax(currency, lines, read.settings_stamp)
    return {
        "token": cart.token,
        "currency": currency,
        "created_at": cart.created_at,
        "expires_at": cart.created_at + CART_TTL,
        "completed": cart.completed_at is not None,
        "order": {"number": order.number, "token": order.token} if order else None,
        "lines": out_lines,
        "item_count": sum(line.quantity for line in lines),
        "subtotal": money_json(subtotal, currency),
        "tax": tax_json(tax),
        "total": money_json(subtotal + tax_added(tax), currency),
    }


def _shipping_quote(read: CartRead, address: dict[str, str]) -> Quote | None:
    return shipping.shipping_quote(
        currency=read.cart.currency,
        lines=[(line.variant, line.quantity, line.price) for line in read.lines],
        address=address,
        stamp=read.settings_stamp,
        prefix="",
    )


def cart_shipping_options(*, token: str, address: dict[str, str]) -> dict[str, Any]:
    """The store's shipping options for an open cart to this address (none while the store
    has no shipping zones); 422 for an unserviceable PIN or an address no rate covers."""
    read = open_cart_lines(token)
    found = _shipping_quote(read, address)
    currency = read.cart.currency
    weight = parcel_weight((line.variant.weight_grams, line.quantity) for line in read.lines)
    value = sum(line.price * line.quantity for line in read.lines)
    if found is None:
        return {
            "zone": "",
            "cod_allowed": True,
            "weight_grams": weight,
            "order_value": money_json(value, currency),
            "options": [],
        }
    return quote_json(found, weight_grams=weight, order_value=value, currency=currency)


def cart_payment_options(
    *, token: str, address: dict[str, str], express_sourcing: bool, shipping_service: str = ""
) -> dict[str, Any]:
    """Each payment type for an open cart at its live prices and this address: available
    or why not, and the split (paid now / on delivery) that always sums to the total.
    The lines, the prices and the settings stamp come from the read checkout itself
    makes, and the options from the same `payment_config` it charges by. The totals count
    the shipping option `shipping_service` (default: the cheapest) as checkout will."""
    read = open_cart_lines(token)
    currency = read.cart.currency
    subtotal = sum(line.price * line.quantity for line in read.lines)
    found = _shipping_quote(read, address)
    shipping_amount = shipping.choose(found, shipping_service).price if found else None
    config = payment_config(stamp=read.settings_stamp)
    fee = config.express_fee(currency)
    tax = line_tax(
        currency,
        read.lines,
        read.settings_stamp,
        state=address.get("state") or None,
        country=address.get("country") or "IN",
    )
    extras = (fee if express_sourcing else Money.zero(currency)) + Money(tax_added(tax), currency)
    if shipping_amount is not None:
        extras += shipping_amount
    quote = PaymentQuote(
        config=config,
        currency=currency,
        lines=[(line.variant, line.quantity) for line in read.lines],
        subtotal=Money(subtotal, currency),
        address=address,
        extras=extras,
    )
    return {
        "currency": currency,
        "subtotal": money_json(subtotal, currency),
        "express_fee": money_json(fee.amount, currency),
        "tax": tax_json(tax),
        "options": [option.as_dict() for option in quote.options()],
    }
