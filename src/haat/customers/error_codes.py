"""The customers context's error codes (customers, contact details, addresses)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class CustomerError(ErrorCode):
    CUSTOMER_NOT_FOUND = "customer_not_found", 404, "No customer with this id."
    INVALID_PHONE = "invalid_phone", 422, "Not a phone number Haat can reach."
    INVALID_POSTAL_CODE = "invalid_postal_code", 422, "Not a postal code of the address's country."
