"""The orders context's error codes (the order's lifecycle)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class OrderError(ErrorCode):
    ORDER_NOT_FOUND = "order_not_found", 404, "No order with this number or link."
    ILLEGAL_TRANSITION = (
        "illegal_transition",
        409,
        "The order's status does not allow this change.",
    )
    NOT_PAYABLE = "not_payable", 409, "The order is not waiting for a payment."
    PAYMENT_EXPIRED = "payment_expired", 409, "The time to pay for this order has run out."
    NOT_AWAITING_CONFIRMATION = (
        "not_awaiting_confirmation",
        409,
        "The order is not waiting for its lines' availability to be confirmed.",
    )
