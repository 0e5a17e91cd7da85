"""The tax context's error codes (GST rates and tax settings)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class TaxError(ErrorCode):
    INVALID_GST_RATE = (
        "invalid_gst_rate",
        422,
        "A GST rate must be one of the slabs 0, 5, 12, 18 or 28 (percent).",
    )
    INVALID_CESS = (
        "invalid_cess",
        422,
        "Cess is a percent from 0 to 300 with at most two decimals.",
    )
