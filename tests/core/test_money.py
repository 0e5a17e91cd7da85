"""Money: integer minor units, no cross-currency arithmetic, exact splits, Babel formatting."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from haat.core.errors import ValidationError
from haat.core.money import CurrencyMismatch, Money

# Money reads codes and decimal places from the stored Currency rows.
pytestmark = pytest.mark.django_db


def test_arithmetic_in_one_currency():
    a = Money(1050, "INR")
    b = Money.from_decimal("2.25", "inr")
    assert a + b == Money(1275, "INR")
    assert a - b == Money(825, "INR")
    assert -a == Money(-1050, "INR")
    assert a * 3 == Money(3150, "INR") == 3 * a
    assert b < a and a >= b and not a < b
    assert not Money.zero("INR") and bool(a)
    assert Money(1299, "INR").percent(18) == Money(234, "INR")  # 233.82 half-up


def test_cross_currency_is_refused():
    with pytest.raises(CurrencyMismatch) as exc:
        Money(100, "INR") + Money(100, "USD")
    assert exc.value.code == "currency_mismatch"
    assert exc.value.http_status == 422
    with pytest.raises(CurrencyMismatch):
        Money(100, "INR") < Money(100, "USD")


def test_floats_and_bools_are_not_money():
    with pytest.raises(TypeError):
        Money(10.5, "INR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "INR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100, "INR") * 1.5  # type: ignore[operator]


def test_unknown_currency_is_a_validation_error():
    with pytest.raises(ValidationError) as exc:
        Money(1, "XYZ")
    assert exc.value.code == "unknown_currency"


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [("1299.5", "INR", 129950), ("1300", "JPY", 1300), ("1.234", "KWD", 1234), (7, "USD", 700)],
)
def test_from_decimal_parses_exactly(value, currency, minor):
    money = Money.from_decimal(value, currency)
    assert money.amount == minor
    assert money.to_decimal() == Decimal(str(value))


@pytest.mark.parametrize(
    ("value", "currency"), [("1.5", "JPY"), ("10.001", "INR"), ("0.0001", "KWD")]
)
def test_from_decimal_rejects_too_many_decimals(value, currency):
    with pytest.raises(ValidationError) as exc:
        Money.from_decimal(value, currency)
    assert exc.value.code == "too_many_decimals"
    assert currency in exc.value.message


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_from_decimal_rejects_non_numbers(value):
    with pytest.raises(ValidationError) as exc:
        Money.from_decimal(value, "INR")
    assert exc.value.code == "invalid_amount"


def test_allocation_always_sums_to_the_whole():
    rng = random.Random(20240601)
    for _ in range(2000):
        amount = rng.randint(-(10**9), 10**9)
        ratios = [rng.randint(0, 1000) for _ in range(rng.randint(1, 12))]
        if not any(ratios):
            ratios[0] = 1
        parts = Money(amount, "INR").allocate(ratios)
        assert sum(p.amount for p in parts) == amount
        assert len(parts) == len(ratios)
        for part, ratio in zip(parts, ratios, strict=True):
            exact = Decimal(amount) * ratio / sum(ratios)
            assert abs(Decimal(part.amount) - exact) < 1  # each part within one minor unit
            if ratio == 0:
                assert part.amount == 0


def test_allocation_remainder_is_deterministic():
    assert [p.amount for p in Money(100, "INR").allocate([1, 1, 1])] == [34, 33, 33]
    assert [p.amount for p in Money(5, "JPY").allocate([Decimal("0.5"), 1])] == [2, 3]
    with pytest.raises(ValueError):
        Money(100, "INR").allocate([])
    with pytest.raises(ValueError):
        Money(100, "INR").allocate([0, 0])


def test_babel_formatting_per_locale():
    assert Money(12999900, "INR").format("en_IN") == "₹1,29,999.00"
    assert Money(129900, "USD").format("en_US") == "$1,299.00"
    assert Money(1300, "JPY").format("en_US") == "¥1,300"
    assert str(Money(1234, "KWD")) == "1.234 KWD"


def test_money_json_is_the_one_api_shape_and_keeps_none():
    from haat.core.money import money_json

    assert money_json(12999900, "inr") == {
        "amount": 12999900,
        "currency": "INR",
        "formatted": "₹1,29,999.00",
    }
    assert money_json(1500, "JPY")["formatted"] == "JP¥1,500"
    assert money_json(None, "INR") is None
