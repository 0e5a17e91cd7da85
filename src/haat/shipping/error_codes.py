"""The shipping context's error codes (zones, rates, serviceability, Shiprocket)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class ShippingError(ErrorCode):
    UNSERVICEABLE_PIN = (
        "unserviceable_pin",
        422,
        "No courier delivers to this PIN code (for this payment method); "
        "`details.postal_code` names it.",
    )
    NO_SHIPPING_OPTION = (
        "no_shipping_option",
        422,
        "No shipping rate applies to this address, currency, weight and order value.",
    )
    SHIPROCKET_FAILED = (
        "shiprocket_failed",
        502,
        "Shiprocket refused the login or did not answer; `message` says which.",
    )
