"""The inventory context's error codes (stock, holds, locations)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class InventoryError(ErrorCode):
    OUT_OF_STOCK = "out_of_stock", 409, "Not enough stock to hold; nothing was changed."
    INSUFFICIENT_STOCK = (
        "insufficient_stock",
        422,
        "A movement would take stock at a location below zero (or below what is held).",
    )
    DUPLICATE_CODE = "duplicate_code", 409, "Another location has this code."
    LOCATION_IN_USE = (
        "location_in_use",
        409,
        "A location with stock history or holds cannot be deleted; deactivate it.",
    )
    BACKORDER_PROMISE = (
        "backorder_promise_invalid",
        422,
        "Selling beyond stock needs exactly one promise: a future date or a number of days.",
    )
    BACKORDER_CAP_TOO_LOW = (
        "backorder_cap_too_low",
        422,
        "The cap is below the units already sold beyond stock; nothing was changed.",
    )
    BACKORDER_IN_USE = (
        "backorder_in_use",
        409,
        "Units sold beyond stock are still open; lower the cap instead of removing it.",
    )
