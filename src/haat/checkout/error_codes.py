"""The checkout context's error codes (carts and placing an order)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class CheckoutError(ErrorCode):
    CART_NOT_FOUND = "cart_not_found", 404, "No cart with this token."
    CART_EXPIRED = "cart_expired", 404, "The cart has expired."
    CART_COMPLETED = "cart_completed", 409, "The cart has been checked out already."
    CART_EMPTY = "cart_empty", 422, "The cart has no lines."
    TOO_MANY_LINES = "too_many_lines", 422, "The cart would have more lines than allowed."
    INVALID_QUANTITY = "invalid_quantity", 422, "A quantity is not a whole number in range."
    NO_CURRENCY = "no_currency", 422, "The store has no default currency."
    NO_PRICE_IN_CURRENCY = (
        "no_price_in_currency",
        422,
        "The variant has no price in the cart's currency.",
    )
    NOT_PURCHASABLE = (
        "not_purchasable",
        409,
        "A line's product is marked temporarily unavailable; nothing was ordered.",
    )
    PRICE_CHANGED = (
        "price_changed",
        409,
        "A live price differs from the price the shopper was shown; nothing was ordered.",
    )
    PAYMENT_TYPE_UNAVAILABLE = (
        "payment_type_unavailable",
        422,
        "The payment type is not offered for this cart and address.",
    )
    EXPRESS_UNAVAILABLE = (
        "express_unavailable",
        422,
        "Express sourcing is not offered in this currency.",
    )
