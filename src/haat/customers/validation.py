"""Contact and address validation: phone numbers through `phonenumbers` (India first),
Indian PIN codes and states, ISO 3166 countries for everything else.

Each function raises `ValidationError` naming the field (`details={"field": ...}`), with a
`prefix` so a checkout can say `shipping_address.postal_code`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from babel import Locale
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from haat.core.error_codes import CoreError, ErrorCode
from haat.core.errors import ValidationError
from haat.core.india import state_name
from haat.customers.error_codes import CustomerError

DEFAULT_REGION = "IN"
PIN_RE = re.compile(r"^[1-9][0-9]{5}$")


_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO"})


def _invalid(message: str, field: str, code: ErrorCode = CoreError.INVALID) -> ValidationError:
    return ValidationError(message, code=code, details={"field": field})


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes: Babel's territories without numeric regions ("001") and
    the non-country codes (unknown region, EU, eurozone, UN, outlying Oceania)."""
    territories = Locale.parse("en").territories
    return frozenset(
        c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES
    )


def normalize_email(raw: Any, *, field: str = "email") -> str:
    email = str(raw or "").strip()
    if not email:
        raise _invalid("An e-mail address is required.", field, CoreError.REQUIRED)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise _invalid(f"'{email}' is not a valid e-mail address.", field) from None
    return email.lower()


def normalize_phone(raw: Any, *, field: str = "phone", region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number; numbers without +country are read as Indian."""
    text = str(raw or "").strip()
    if not text:
        raise _invalid("A phone number is required.", field, CoreError.REQUIRED)
    e164, problem = _e164(text[:MAX_PHONE_INPUT], region)
    if problem or len(text) > MAX_PHONE_INPUT:
        raise _invalid(
            f"'{text[:MAX_PHONE_INPUT]}' {problem or 'is not a phone number.'}",
            field,
            CustomerError.INVALID_PHONE,
        )
    return e164


MAX_PHONE_INPUT = 40  # longer input is no phone number (and is never parsed or cached)


@functools.lru_cache(maxsize=4096)
def _e164(text: str, region: str) -> tuple[str, str]:
    """(E.164, "") or ("", what is wrong). Cached: parsing is the costly part, and a
    checkout normalises the same number several times."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return "", "is not a phone number."
    if not phonenumbers.is_valid_number(number):
        return "", "is not a valid phone number."
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def display_phone(stored: str, *, region: str = DEFAULT_REGION) -> str:
    """A stored phone number as people write it ("+91 98450 12345"); text that does not
    parse is shown as it is."""
    try:
        number = phonenumbers.parse(str(stored or ""), region)
    except phonenumbers.NumberParseException:
        return str(stored or "")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@dataclass(frozen=True)
class AddressData:
    name: str
    phone: str
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str

    def as_dict(self) -> dict[str, str]:
        # By hand: dataclasses.asdict deep-copies, and checkout calls this several times.
        return {
            "name": self.name,
            "phone": self.phone,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
            "country": self.country,
        }

    @property
    def fingerprint(self) -> str:
        joined = "\x1f".join(v.casefold() for v in self.as_dict().values())
        return hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()


def _text(data: dict[str, Any], key: str, prefix: str, *, required: bool, limit: int) -> str:
    value = data.get(key)
    if value is not None and not isinstance(value, str | int):
        raise _invalid(f"{prefix}{key} must be text.", f"{prefix}{key}")
    text = " ".join(str(value or "").split())
    if required and not text:
        raise _invalid(f"{prefix}{key} is required.", f"{prefix}{key}", CoreError.REQUIRED)
    if len(text) > limit:
        raise _invalid(f"{prefix}{key} is longer than {limit} characters.", f"{prefix}{key}")
    return text


def indian_state(raw: str, *, field: str) -> str:
    name = state_name(raw)
    if name is None:
        raise _invalid(
            f"'{raw}' is not an Indian state or union territory.", field, CoreError.INVALID_STATE
        )
    return name


def validate_address(
    data: dict[str, Any] | None, *, prefix: str = "address.", default_phone: str = ""
) -> AddressData:
    """Clean an address: India (default) needs a 6-digit PIN and a known state; elsewhere
    the country is required and the state and postal code are free text."""
    if not isinstance(data, dict):
        raise _invalid(f"{prefix.rstrip('.')} is required.", prefix.rstrip("."), CoreError.REQUIRED)
    country = _text(data, "country", prefix, required=False, limit=2).upper() or "IN"
    if country not in country_codes():
        raise _invalid(f"'{country}' is not an ISO 3166 country code.", f"{prefix}country")
    name = _text(data, "name", prefix, required=True, limit=200)
    line1 = _text(data, "line1", prefix, required=True, limit=200)
    line2 = _text(data, "line2", prefix, required=False, limit=200)
    city = _text(data, "city", prefix, required=True, limit=100)
    state = _text(data, "state", prefix, required=country == "IN", limit=100)
    postal = _text(data, "postal_code", prefix, required=country == "IN", limit=20)
    if country == "IN":
        postal = postal.replace(" ", "")
        if not PIN_RE.match(postal):
            raise _invalid(
                f"'{postal}' is not an Indian PIN code (6 digits, not starting with 0).",
                f"{prefix}postal_code",
                CustomerError.INVALID_POSTAL_CODE,
            )
        state = indian_state(state, field=f"{prefix}state")
    raw_phone = _text(data, "phone", prefix, required=False, limit=30)
    phone = normalize_phone(raw_phone, field=f"{prefix}phone") if raw_phone else default_phone
    return AddressData(name, phone, line1, line2, city, state, postal, country)
