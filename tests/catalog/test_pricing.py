"""Prices per currency: history, ranges, bulk changes and charm rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from haat.catalog.models import PriceHistory, ProductPriceRange, VariantPrice
from haat.catalog.pricing import (
    bulk_change_prices,
    remove_variant_price,
    round_price,
    set_variant_prices,
)
from haat.core.context import Actor, acting_as
from haat.core.errors import NotFound, ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent

from .domain_helpers import make_product, make_variant, price

pytestmark = pytest.mark.django_db


def amounts(variant, currency="INR"):
    vp = VariantPrice.objects.get(variant=variant, currency=currency)
    return vp.amount, vp.compare_at_amount


def test_set_prices_history_only_for_changed_currencies(owner, currencies):
    currencies("USD", "EUR")
    product = make_product()
    v = make_variant(product, "A", price("100"), price("5.00", "USD"))
    PriceHistory.objects.all().delete()
    with acting_as(Actor(user=owner, label="owner@example.test")):
        set_variant_prices(
            variant=v,
            prices=[price("100"), price("6.00", "USD", compare_at="8.00"), price("4", "EUR")],
            source="api",
        )
    rows = {h.currency: h for h in PriceHistory.objects.all()}
    assert set(rows) == {"USD", "EUR"}
    usd = rows["USD"]
    assert (usd.old_amount, usd.new_amount, usd.old_compare_at_amount) == (500, 600, None)
    assert usd.new_compare_at_amount == 800
    assert (usd.changed_by, usd.source) == (owner, "api")
    assert (rows["EUR"].old_amount, rows["EUR"].new_amount) == (None, 400)
    ranges = dict(
        ProductPriceRange.objects.filter(product=product).values_list("currency", "min_amount")
    )
    assert ranges == {"INR": 10000, "USD": 600, "EUR": 400}
    event = OutboxEvent.objects.filter(event_type="catalog.price_changed").last()
    assert {c["currency"] for c in event.payload["changes"]} == {"USD", "EUR"}


def test_unchanged_prices_write_nothing():
    v = make_variant(make_product(), "A", price("100"))
    before = (PriceHistory.objects.count(), AuditLogEntry.objects.count())
    set_variant_prices(variant=v, prices=[price("100")])
    assert (PriceHistory.objects.count(), AuditLogEntry.objects.count()) == before


def test_set_prices_rejects_disabled_currency_and_changes_nothing():
    v = make_variant(make_product(), "A", price("100"))
    with pytest.raises(ValidationError) as exc:
        set_variant_prices(variant=v, prices=[price("200"), price("3", "USD")])
    assert exc.value.code == "currency_disabled"
    assert amounts(v) == (10000, None)


def test_remove_price_records_history_and_range():
    product = make_product(sizes=("S", "M"))
    a = make_variant(product, "A", price("100"), option_values={"Size": "S"})
    make_variant(product, "B", price("300"), option_values={"Size": "M"})
    remove_variant_price(variant=a, currency="inr")
    h = PriceHistory.objects.filter(variant=a).first()
    assert (h.old_amount, h.new_amount) == (10000, None)
    r = ProductPriceRange.objects.get(product=product)
    assert (r.min_amount, r.max_amount) == (30000, 30000)
    with pytest.raises(NotFound):
        remove_variant_price(variant=a, currency="INR")


@pytest.mark.parametrize(
    ("amount", "rounding", "places", "expected"),
    [
        (123456, "none", 2, 123456),
        (123456, "whole", 2, 123500),
        (123449, "whole", 2, 123400),
        (123450, "whole", 2, 123500),
        (123456, "end_99", 2, 123499),
        (123499, "end_99", 2, 123499),
        (123500, "end_99", 2, 123599),
        (123410, "end_49_99", 2, 123449),
        (123449, "end_49_99", 2, 123449),
        (123450, "end_49_99", 2, 123499),
        (123400, "end_49_99", 2, 123449),
        (0, "end_99", 2, 0),
        (1234, "end_99", 0, 1299),
        (1250, "end_49_99", 0, 1299),
        (1234, "whole", 0, 1234),
        (1234560, "end_99", 3, 1234990),
        (12341, "end_49_99", 1, 12344),
    ],
)
def test_round_price(amount, rounding, places, expected):
    assert round_price(amount, rounding, places) == expected


def test_bulk_percent_with_rounding_history_ranges(owner):
    p1 = make_product("One", sizes=("S", "M"))
    a = make_variant(p1, "A", price("1000", compare_at="1500"), option_values={"Size": "S"})
    b = make_variant(p1, "B", price("1234.56"), option_values={"Size": "M"})
    p2 = make_product("Two")
    c = make_variant(p2, "C", price("99.00"))
    untouched = make_variant(make_product("Three"), "D", price("50"))
    PriceHistory.objects.all().delete()
    with acting_as(Actor(user=owner, label="owner")):
        n = bulk_change_prices(
            product_ids=[p1.pk, p2.pk],
            currency="INR",
            mode="percent",
            value="+10",
            rounding="end_99",
        )
    assert n == 3
    assert amounts(a) == (110099, 150000)
    assert amounts(b) == (135899, None)  # 1358.016 -> 1358.02 -> 1358.99
    assert amounts(c) == (10899, None)
    assert amounts(untouched) == (5000, None)
    assert PriceHistory.objects.filter(source="bulk", changed_by=owner).count() == 3
    r = ProductPriceRange.objects.get(product=p1)
    assert (r.min_amount, r.max_amount) == (110099, 135899)
    assert AuditLogEntry.objects.filter(action="product.prices_bulk").count() == 2
    assert OutboxEvent.objects.filter(event_type="catalog.price_changed").count() >= 2


def test_bulk_amount_decrease_clears_compare_at_only_when_needed():
    p = make_product(sizes=("S", "M"))
    a = make_variant(p, "A", price("100", compare_at="150"), option_values={"Size": "S"})
    n = bulk_change_prices(product_ids=[p.pk], currency="INR", mode="amount", value="-20.50")
    assert n == 1
    assert amounts(a) == (7950, 15000)
    bulk_change_prices(product_ids=[p.pk], currency="INR", mode="amount", value=Decimal("100"))
    assert amounts(a) == (17950, None)


def test_bulk_set_creates_missing_prices(currencies):
    currencies("USD")
    p = make_product(sizes=("S", "M"))
    a = make_variant(p, "A", price("100"), option_values={"Size": "S"})
    b = make_variant(p, "B", price("2", "USD"), option_values={"Size": "M"})
    n = bulk_change_prices(
        product_ids=[p.pk], currency="USD", mode="set", value="19.5", rounding="whole"
    )
    assert n == 2
    assert amounts(a, "USD") == (2000, None)
    assert amounts(b, "USD") == (2000, None)
    r = ProductPriceRange.objects.get(product=p, currency="USD")
    assert (r.min_amount, r.max_amount) == (2000, 2000)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "amount", "value": "-150"}, "value"),
        ({"mode": "percent", "value": "-101"}, "value"),
        ({"mode": "set", "value": "-1"}, "value"),
        ({"mode": "set", "value": "10000000001"}, "value"),
        ({"mode": "set", "value": "1.234"}, "value"),
        ({"mode": "percent", "value": "ten"}, "value"),
        ({"mode": "double", "value": "1"}, "mode"),
        ({"mode": "set", "value": "1", "rounding": "up"}, "rounding"),
        ({"mode": "set", "value": "1", "currency": "USD"}, "currency"),
    ],
)
def test_bulk_refuses_bad_input_and_changes_nothing(kwargs, field):
    p = make_product(sizes=("S", "M"))
    a = make_variant(p, "A", price("100"), option_values={"Size": "S"})
    b = make_variant(p, "B", price("200"), option_values={"Size": "M"})
    history = PriceHistory.objects.count()
    kwargs = {"currency": "INR", **kwargs}
    with pytest.raises(ValidationError) as exc:
        bulk_change_prices(product_ids=[p.pk], **kwargs)
    assert exc.value.details["field"] == field
    assert amounts(a) == (10000, None)
    assert amounts(b) == (20000, None)
    assert PriceHistory.objects.count() == history


def _products_with_prices(n):
    ids = []
    for i in range(n):
        p = make_product(f"P{i}", sizes=("S", "M"))
        make_variant(p, f"S-{i}", price("100"), option_values={"Size": "S"})
        make_variant(p, f"M-{i}", price("200"), option_values={"Size": "M"})
        ids.append(p.pk)
    return ids


def test_bulk_price_change_constant_queries(django_assert_max_num_queries):
    ids = _products_with_prices(51)
    with django_assert_max_num_queries(14) as one:
        bulk_change_prices(product_ids=ids[:1], currency="INR", mode="percent", value="5")
    # +1: SQLite splits one INSERT of 100 history rows at its bound-parameter limit.
    with django_assert_max_num_queries(len(one.captured_queries) + 1):
        bulk_change_prices(product_ids=ids[1:], currency="INR", mode="percent", value="5")
    assert VariantPrice.objects.filter(amount__in=[10500, 21000]).count() == 102
