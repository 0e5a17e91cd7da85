"""Cart reads for the storefront: lines priced in the cart's currency with their live
availability. A constant number of queries whatever the number of lines."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from haat.catalog.models import VariantPrice
from haat.checkout.carts import CART_TTL, get_cart
from haat.checkout.models import Cart, CartLine
from haat.core.money import money_json
from haat.inventory.selectors import availability_status


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


def cart_view(*, token: str) -> dict[str, Any]:
    cart = get_cart(token)
    return cart_payload(cart)


def cart_payload(cart: Cart, *, lines: list[CartLine] | None = None) -> dict[str, Any]:
    """The cart as the storefront sees it; pass `lines=[]` for a cart just created (no
    query needed)."""
    currency = cart.currency_id
    if lines is None:
        lines = list(priced_lines({"cart": cart}, currency))
    availability = availability_status([line.variant_id for line in lines]) if lines else {}
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
