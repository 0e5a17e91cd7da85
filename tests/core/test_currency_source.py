"""Decimal places come from the stored Currency rows, seeded from the pinned ISO 4217 snapshot:
neither a Babel upgrade nor a newer snapshot can change what a stored amount means."""

from __future__ import annotations

import re
from decimal import Decimal

import babel.numbers
import pytest

from haat.core import money
from haat.core.currency_data import iso_currencies, seed_currencies
from haat.core.errors import ValidationError
from haat.core.models import Currency
from haat.core.money import Money, decimal_places, money_json
from haat.gateways.stripe_units import from_stripe, to_stripe

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_cache(monkeypatch):
    """A process that has not read the Currency rows yet."""
    monkeypatch.setattr(money, "_places", {})


def test_snapshot_has_iso_minor_units():
    rows = {row["code"]: row for row in iso_currencies()}
    assert {code: rows[code]["decimal_places"] for code in ("HUF", "JPY", "KWD", "INR")} == {
        "HUF": 2,  # Babel 2.19 says 0; ISO 4217 says 2
        "JPY": 0,
        "KWD": 3,
        "INR": 2,
    }
    assert rows["ISK"]["decimal_places"] == 0 and rows["IDR"]["decimal_places"] == 2
    assert len(rows) == len(iso_currencies()) > 150
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in rows)
    assert all(0 <= row["decimal_places"] <= 4 and row["name"] for row in rows.values())
    # Funds, metals and test codes are not currencies goods are priced in.
    assert not {"XAU", "XTS", "XXX", "CLF", "USN", "UYW"} & set(rows)


def test_a_fresh_install_seeds_the_snapshot():
    stored = {
        c.code: (c.name, c.symbol, c.decimal_places)
        for c in Currency.objects.filter(code__in=[r["code"] for r in iso_currencies()])
    }
    assert stored == {
        r["code"]: (r["name"], r["symbol"], r["decimal_places"]) for r in iso_currencies()
    }
    assert list(Currency.objects.filter(enabled=True).values_list("code", "is_default")) == [
        ("INR", True)
    ]


def test_a_babel_upgrade_cannot_change_amounts(monkeypatch, fresh_cache):
    # A Babel that says every currency has no decimals (2.19 did that to HUF alone).
    monkeypatch.setattr(babel.numbers, "get_currency_precision", lambda currency: 0)
    price = Money.from_decimal("1200.50", "HUF")
    assert price == Money(120050, "HUF") and price.decimal_places == 2
    assert price.to_decimal() == Decimal("1200.50")
    assert price.format("en") == "HUF1,200.50"
    assert Money(129900, "INR").format("en_IN") == "₹1,299.00"
    assert money_json(120050, "HUF")["amount"] == 120050
    assert to_stripe(120050, "HUF") == 120050 and from_stripe(120050, "HUF") == 120050


def test_places_come_from_the_stored_row(fresh_cache):
    # A store whose rows were seeded by Babel 2.19 keeps HUF at 0 places: its stored forints
    # are whole forints, and every use of Money agrees with the row, not with ISO or Babel.
    Currency.objects.filter(code="HUF").update(decimal_places=0)
    assert decimal_places("huf") == 0
    assert Money.from_decimal("1200", "HUF") == Money(1200, "HUF")
    with pytest.raises(ValidationError) as exc:
        Money.from_decimal("1200.50", "HUF")
    assert exc.value.code == "too_many_decimals"
    assert Money(1200, "HUF").format("en") == "HUF1,200"
    assert to_stripe(1200, "HUF") == 120000 and from_stripe(120000, "HUF") == 1200


def test_codes_come_from_the_table_not_from_babel():
    assert "DEM" in babel.numbers.list_currencies()  # Babel still knows the Deutsche Mark
    with pytest.raises(ValidationError) as exc:
        Money(100, "DEM")
    assert exc.value.code == "unknown_currency"


def test_the_rows_are_read_once_per_process(fresh_cache, django_assert_num_queries):
    with django_assert_num_queries(1):
        Money.from_decimal("10", "USD")
    with django_assert_num_queries(0):
        assert Money(1, "KWD").to_decimal() == Decimal("0.001")
        assert Money(1, "JPY").format("en") == "¥1"


def test_seeding_adds_missing_rows_and_never_changes_existing_ones(currencies):
    currencies("USD")
    Currency.objects.filter(code="INR").update(is_default=False)
    Currency.objects.filter(code="USD").update(is_default=True)
    Currency.objects.filter(code="HUF").update(decimal_places=0, name="Forint (old)")
    Currency.objects.filter(code="XCG").delete()  # a store seeded before the guilder existed
    seed_currencies(Currency)
    huf = Currency.objects.get(code="HUF")
    assert (huf.decimal_places, huf.name) == (0, "Forint (old)")
    xcg = Currency.objects.get(code="XCG")
    assert (xcg.decimal_places, xcg.enabled, xcg.is_default) == (2, False, False)
    assert Currency.objects.get(is_default=True).code == "USD"
