"""Money as an integer count of minor units plus an ISO 4217 code; never a float.

Which codes exist and how many decimal places each has (JPY 0, INR 2, KWD 3) come from the
stored `Currency` rows, the contract every stored amount was counted in; Babel only formats,
with the row's places forced. So a library upgrade cannot change what 120000 HUF means.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern
from django.conf import settings

from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError
from haat.core.models import Currency

# The largest amount we accept in minor units: fits a signed 64-bit column with room.
MAX_MINOR_UNITS = 10**15


class CurrencyMismatch(ValidationError):
    code = CoreError.CURRENCY_MISMATCH


# Code -> decimal places of every Currency row, read once per process. No invalidation is
# needed: a row's places never change once seeded (nothing writes decimal_places, and seeding
# only inserts missing rows), so the cache cannot go stale. Left empty until the table has
# rows, so a process that starts before `migrate` still sees them afterwards.
_places: dict[str, int] = {}


def currency_places() -> dict[str, int]:
    """Decimal places by currency code, from the stored Currency rows (cached)."""
    if not _places:
        # Read every row first, then merge them in one step: another thread never sees half.
        _places.update(dict(Currency.objects.values_list("code", "decimal_places")))
    return _places


def known_currencies() -> frozenset[str]:
    return frozenset(currency_places())


def decimal_places(currency: str) -> int:
    return currency_places()[normalize_currency(currency)]


def normalize_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in currency_places():
        raise ValidationError(
            f"'{code}' is not an ISO 4217 currency code.",
            code=CoreError.UNKNOWN_CURRENCY,
            details={"currency": code},
        )
    return code


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int  # minor units
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("Money.amount must be an int of minor units")
        if abs(self.amount) > MAX_MINOR_UNITS:
            raise ValidationError("Amount is too large.", code=CoreError.AMOUNT_TOO_LARGE)
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    # --- construction ---------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, value: Decimal | str | int, currency: str) -> Money:
        """Parse a major-unit amount ("1299.50") exactly; more decimals than the
        currency has is an error, not a silent rounding."""
        currency = normalize_currency(currency)
        try:
            dec = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError(
                f"'{value}' is not a number.", code=CoreError.INVALID_AMOUNT
            ) from None
        if not dec.is_finite():
            raise ValidationError(f"'{value}' is not a number.", code=CoreError.INVALID_AMOUNT)
        places = decimal_places(currency)
        scaled = dec.scaleb(places)
        if scaled != scaled.to_integral_value():
            raise ValidationError(
                f"{currency} amounts have {places} decimal places; got '{value}'.",
                code=CoreError.TOO_MANY_DECIMALS,
            )
        return cls(int(scaled), currency)

    # --- views ----------------------------------------------------------------------
    @property
    def decimal_places(self) -> int:
        return currency_places()[self.currency]

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-self.decimal_places)

    def format(self, locale: str = "en_IN") -> str:
        pattern = _currency_pattern(locale, self.decimal_places)
        return pattern.apply(
            self.to_decimal(), _locale(locale), currency=self.currency, currency_digits=False
        )

    def __str__(self) -> str:
        return f"{self.to_decimal():f} {self.currency}"

    # --- arithmetic -----------------------------------------------------------------
    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"Cannot combine {self.currency} with {other.currency}.",
                details={"currencies": [self.currency, other.currency]},
            )
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an int; use percent() for rates")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def percent(self, rate: Decimal | str | int) -> Money:
        """`rate` percent of this amount, rounded half-up to a minor unit."""
        value = (Decimal(self.amount) * Decimal(str(rate)) / 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return Money(int(value), self.currency)

    def allocate(self, ratios: list[int | Decimal]) -> list[Money]:
        """Split into parts proportional to `ratios` that always sum to this amount.

        Remainders go one minor unit at a time to the parts with the largest
        fractional shares (ties to the earlier part), so the split is deterministic.
        """
        if not ratios:
            raise ValueError("allocate() needs at least one ratio")
        weights = [Decimal(str(r)) for r in ratios]
        if any(w < 0 for w in weights) or sum(weights) == 0:
            raise ValueError("ratios must be non-negative and not all zero")
        total = sum(weights)
        sign = -1 if self.amount < 0 else 1
        magnitude = abs(self.amount)
        exact = [Decimal(magnitude) * w / total for w in weights]
        parts = [int(x) for x in exact]  # floor for non-negative values
        remainder = magnitude - sum(parts)
        order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in order[:remainder]:
            parts[i] += 1
        return [Money(sign * p, self.currency) for p in parts]


@functools.cache
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


@functools.cache
def _currency_pattern(locale: str, places: int) -> NumberPattern:
    """The locale's currency pattern showing exactly `places` decimals: Babel would otherwise
    use its own CLDR digits for the code (HUF 0 since Babel 2.19), not the stored row's."""
    pattern = copy.copy(_locale(locale).currency_formats["standard"])
    pattern.frac_prec = (places, places)
    return pattern


@functools.lru_cache(maxsize=16_384)
def formatted(amount: int, currency: str, locale: str) -> str:
    """`Money(amount, currency).format(locale)`, cached: Babel takes ~20-100 µs a call and
    shops show the same few price points over and over (list pages, carts, orders)."""
    return Money(amount, currency).format(locale)


def money_json(amount: int | None, currency: str) -> dict[str, Any] | None:
    """The one JSON shape for an amount in API replies:
    `{"amount": 129900, "currency": "INR", "formatted": "₹1,299.00"}` (None stays None)."""
    if amount is None:
        return None
    amount = int(amount)
    code = normalize_currency(currency)
    return {
        "amount": amount,
        "currency": code,
        "formatted": formatted(amount, code, settings.HAAT_LOCALE),
    }
