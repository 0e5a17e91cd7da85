"""Cart reads for the storefront: lines priced in the cart's currency with their live
availability. A constant number of queries whatever the number of lines."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from haat.catalog.models import VariantPrice
from haat.checkout.carts import CART_TTL, check_token_age, variant_from_row
from haat.checkout.models import Cart, CartLine
from haat.core import sql
from haat.core.errors import NotFound
from haat.core.money import money_json


def priced_lines(cart_filter: dict[str, Any], currency: str | None = None) -> QuerySet[CartLine]:
    """Cart lines with variant, product and the live price (`live_amount`) in the cart's
    currency, in one query."""
    live = VariantPrice.objects.filter(variant_id=OuterRef("variant_id"))
    live = (
        live.filter(currency_id=currency)
        if currency
        else live.filter(currency_id=OuterRef("cart__currency_id"))
    )
    return (
        CartLine.objects.filter(**cart_filter)
        .select_related("variant__product")
        .annotate(live_amount=Subquery(live.values("amount")[:1]))
        .order_by("id")
    )


# The cart, its lines, each line's variant and product, its live price in the cart's
# currency and its available units (active locations, unlocked: what the storefront shows,
# and checkout's early answer for a sold-out line; the stock itself is taken under lock).
# One statement; a cart without lines still gives its own row.
_CHECKOUT_LINES_SQL = """
SELECT c.id, c.token, c.currency_id, c.created_at, c.completed_at, c.updated_at, c.order_id,
       l.id, l.variant_id, l.quantity, l.unit_amount,
       v.sku, v.option_values, v.is_active, v.product_id, p.title, p.status,
       p.availability, p.expected_days,
       (SELECT vp.amount FROM catalog_variantprice vp
         WHERE vp.variant_id = l.variant_id AND vp.currency_id = c.currency_id),
       (SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM inventory_stocklevel s
         JOIN inventory_location loc ON loc.id = s.location_id
         WHERE s.variant_id = l.variant_id AND loc.is_active)
FROM checkout_cart c
LEFT JOIN checkout_cartline l ON l.cart_id = c.id
LEFT JOIN catalog_variant v ON v.id = l.variant_id
LEFT JOIN catalog_product p ON p.id = v.product_id
WHERE c.token = %s
ORDER BY l.id"""


def checkout_lines(token: str) -> tuple[Cart | None, list[CartLine]]:
    """The cart behind `token` (None when unknown) and its lines, each with `variant`
    (and its `product`), `live_amount`, `available` and `availability` set, in one
    query."""
    rows = sql.fetch_all(_CHECKOUT_LINES_SQL, [str(token)[:64]])
    if not rows:
        return None, []
    first = rows[0]
    cart = Cart(
        id=first[0],
        token=first[1],
        currency_id=first[2],
        created_at=sql.datetime_value(first[3]),
        completed_at=sql.datetime_value(first[4]),
        updated_at=sql.datetime_value(first[5]),
        order_id=first[6],
    )
    cart._state.adding = False
    lines = []
    for row in rows:
        if row[7] is None:
            continue
        line_id, variant_id, quantity, unit_amount, sku, options, active, product_id = row[7:15]
        title, status, kind, days, live_amount, available = row[15:]
        variant = variant_from_row(
            variant_id, sku, options, active, product_id, title, status, kind, days, available
        )
        line = CartLine(
            id=line_id, cart=cart, variant=variant, quantity=quantity, unit_amount=unit_amount
        )
        line.live_amount, line.available = live_amount, available
        line.availability = variant.availability
        lines.append(line)
    return cart, lines


def cart_view(*, token: str) -> dict[str, Any]:
    """The storefront's cart: one query (two for a cart already checked out)."""
    cart, lines = checkout_lines(token)
    if cart is None:
        raise NotFound("No cart with this token.", code="cart_not_found")
    check_token_age(cart)
    return cart_payload(cart, lines=lines)


def cart_payload(cart: Cart, *, lines: list[CartLine] | None = None) -> dict[str, Any]:
    """The cart as the storefront sees it, from `lines` as `checkout_lines` (or a new
    cart's `create_cart_with_lines`) gives them; read here when not given."""
    currency = cart.currency_id
    if lines is None:
        lines = checkout_lines(cart.token)[1]
    availability = {line.variant_id: line.availability for line in lines}
    out_lines = []
    subtotal = 0
    for line in lines:
        unit = line.live_amount if line.live_amount is not None else line.unit_amount
        subtotal += unit * line.quantity
        status = availability.get(line.variant_id)
        out_lines.append(
            {
                "id": line.pk,
                "variant_id": line.variant_id,
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
                    "status": status.status if status else "unavailable",
                    "message": status.message if status else "Unavailable",
                    "available": status.available if status else 0,
                    "purchasable": bool(status and status.purchasable),
                    "enough": bool(status and status.available >= line.quantity),
                },
            }
        )
    order = cart.order if cart.order_id else None
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
        "total": money_json(subtotal, currency),
    }
