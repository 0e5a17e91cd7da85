"""Customers' phone numbers as the SMS and WhatsApp channels address them: E.164, so every
message, delivery report, reply and consent record of one phone shares one spelling."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def e164(phone: str) -> str:
    """`phone` as E.164 ("+919812345678"); a 10-digit Indian number gets +91. Raises
    InvalidPhone with a sentence for anything that is not a valid number."""
    raw = (phone or "").strip()
    if not raw:
        raise InvalidPhone("There is no phone number.")
    try:
        number = phonenumbers.parse(raw, "IN")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"{raw} is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw} is not a valid phone number (E.164, e.g. +919812345678).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def e164_or_raw(phone: str) -> str:
    """E.164 where the number is valid; else as given (the message is then recorded failed
    with the reason, so staff see it)."""
    try:
        return e164(phone)
    except InvalidPhone:
        return (phone or "").strip()
