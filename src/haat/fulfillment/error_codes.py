"""The fulfilment context's error codes (couriers and shipments)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class FulfilmentError(ErrorCode):
    COURIER_NOT_FOUND = "courier_not_found", 404, "No active courier with this code."
    SHIPMENT_NOT_FOUND = "shipment_not_found", 404, "No shipment with this id on this order."
    INVALID_AWB = (
        "invalid_awb",
        422,
        "The tracking number (AWB) does not have the courier's shape.",
    )
    DUPLICATE_AWB = "duplicate_awb", 409, "Another shipment already uses this tracking number."
    OVER_SHIPPED = (
        "over_shipped",
        409,
        "The shipment would carry more units of a line than are left to ship.",
    )
    NOT_SHIPPABLE = (
        "not_shippable",
        409,
        "The order is not confirmed (or is cancelled), so nothing of it can ship.",
    )
    ILLEGAL_SHIPMENT_TRANSITION = (
        "illegal_shipment_transition",
        409,
        "The shipment's status does not allow this change; `details.allowed` lists what does.",
    )
    DUPLICATE_COURIER = "duplicate_courier", 409, "A courier with this code already exists."
