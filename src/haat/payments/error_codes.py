"""The payments context's error codes (online payments, COD, refunds, payment rules)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class PaymentError(ErrorCode):
    UNKNOWN_PAYMENT = "unknown_payment", 404, "No payment with this reference."
    NOTHING_DUE = "nothing_due", 409, "Nothing is due online for the order."
    NOT_COD = "not_cod", 409, "The order is not a cash-on-delivery order."
    NOT_COLLECTABLE = "not_collectable", 409, "The order is not confirmed, so no cash is due."
    COD_AMOUNT_MISMATCH = (
        "cod_amount_mismatch",
        409,
        "The cash collected is more than the order owes on delivery.",
    )
    BAD_COLUMNS = "bad_columns", 422, "A COD remittance file lacks required columns."
    INVALID_ROWS = (
        "invalid_rows",
        422,
        "A COD remittance file has invalid rows; nothing was recorded.",
    )
    REFUND_METHOD_UNAVAILABLE = (
        "refund_method_unavailable",
        409,
        "No single captured payment can take this refund through the gateway.",
    )
    REFUND_EXCEEDS_PAID = (
        "refund_exceeds_paid",
        409,
        "The refund is more than what is left to refund.",
    )
    DUPLICATE_RULE = "duplicate_rule", 409, "A payment rule for this target already exists."
    LATE_PAYMENT_NOT_FOUND = (
        "late_payment_not_found",
        404,
        "No late payment with this id.",
    )
    NOTHING_TO_RETRY = (
        "nothing_to_retry",
        409,
        "The late payment's refund is done or waiting for the gateway; nothing to retry.",
    )
