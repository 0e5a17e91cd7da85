"""Haat minor units ↔ Stripe's "smallest currency unit", per currency.

Haat stores amounts with the decimal places of the store's Currency row (ISO 4217 on a
fresh install: JPY 0, INR 2, KWD 3, ISK 0; `core.money.decimal_places`). Stripe mostly
agrees, with exceptions (docs.stripe.com/currencies, integrations §2):
- zero-decimal currencies are sent as whole units (¥100 → 100);
- ISK is sent as a two-decimal amount divisible by 100 (kr 500 → 50000);
- three-decimal currencies (BHD JOD KWD OMR TND) are sent with 3 decimals and the last
  digit must be 0, so KWD 12.345 cannot be charged and is refused with a clear error.
Never assume a factor of 100: every conversion goes through `stripe_exponent()`.
"""

from __future__ import annotations

from haat.core.errors import ValidationError
from haat.core.money import decimal_places, normalize_currency
from haat.gateways.error_codes import GatewayErrorCode

ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Zero-decimal in practice, but Stripe wants a two-decimal amount divisible by 100.
TWO_DECIMAL_WHOLE = frozenset({"ISK"})
MAX_DIGITS = 8  # Stripe: "a maximum of eight digits"


def stripe_exponent(currency: str) -> int:
    code = normalize_currency(currency)
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_stripe(amount: int, currency: str) -> int:
    """Haat minor units → the integer Stripe expects for `currency` (raises on amounts
    Stripe cannot take, naming the reason)."""
    code = normalize_currency(currency)
    shift = stripe_exponent(code) - decimal_places(code)
    if shift >= 0:
        value = amount * 10**shift
    else:
        factor = 10**-shift
        if amount % factor:
            raise ValidationError(
                f"Stripe takes {code} in whole units; this amount has a fraction.",
                code=GatewayErrorCode.UNSUPPORTED_AMOUNT,
                details={"field": "amount", "currency": code},
            )
        value = amount // factor
    if code in THREE_DECIMAL and value % 10:
        raise ValidationError(
            f"Stripe only accepts {code} amounts whose last (third) decimal is 0; "
            f"round the price to 0.010 steps.",
            code=GatewayErrorCode.UNSUPPORTED_AMOUNT,
            details={"field": "amount", "currency": code, "amount": amount},
        )
    if code in TWO_DECIMAL_WHOLE and value % 100:
        raise ValidationError(
            f"Stripe takes {code} in whole units only.",
            code=GatewayErrorCode.UNSUPPORTED_AMOUNT,
            details={"field": "amount", "currency": code},
        )
    if value <= 0 or len(str(value)) > MAX_DIGITS:
        raise ValidationError(
            f"Stripe takes amounts from 1 to {10**MAX_DIGITS - 1} in the smallest {code} unit.",
            code=GatewayErrorCode.UNSUPPORTED_AMOUNT,
            details={"field": "amount", "currency": code, "amount": amount},
        )
    return value


def from_stripe(value: int, currency: str) -> int:
    """Stripe's integer for `currency` → Haat minor units."""
    code = normalize_currency(currency)
    shift = stripe_exponent(code) - decimal_places(code)
    if shift <= 0:
        return int(value) * 10**-shift
    factor = 10**shift
    if int(value) % factor:
        raise ValidationError(
            f"Stripe sent a {code} amount ({value}) with a fraction Haat cannot store.",
            code=GatewayErrorCode.UNSUPPORTED_AMOUNT,
            details={"field": "amount", "currency": code},
        )
    return int(value) // factor
