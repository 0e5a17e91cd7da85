"""Options and variants: field rules, option matching, SKU uniqueness, ranges."""

from __future__ import annotations

import pytest

from haat.catalog import services
from haat.catalog.models import PriceHistory, ProductOption, ProductPriceRange, Variant
from haat.catalog.validators import gtin_is_valid
from haat.core.errors import Conflict, ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent
from haat.core.money import Money

from .domain_helpers import inr, make_product, make_variant, price

pytestmark = pytest.mark.django_db


def test_create_variant_with_prices_writes_history_and_range():
    product = make_product(sizes=("S", "M"))
    v = make_variant(
        product,
        "KUR-S",
        price("999.00", compare_at="1299.00"),
        option_values={"Size": "S"},
        weight_grams=350,
        hsn_code="6109",
        barcode="8901234567890",
        cost=inr("400"),
    )
    assert v.position == 0
    assert (v.cost_amount, v.cost_currency) == (40000, "INR")
    h = PriceHistory.objects.get(variant=v)
    assert (h.old_amount, h.new_amount, h.new_compare_at_amount, h.source) == (
        None,
        99900,
        129900,
        "editor",
    )
    r = ProductPriceRange.objects.get(product=product, currency="INR")
    assert (r.min_amount, r.max_amount) == (99900, 99900)
    assert OutboxEvent.objects.filter(event_type="catalog.variant_created").count() == 1
    assert OutboxEvent.objects.filter(event_type="catalog.price_changed").count() == 1
    assert make_variant(product, "KUR-M", option_values={"Size": "M"}).position == 1


def test_gtin_check_digits():
    assert gtin_is_valid("8901234567890")
    assert gtin_is_valid("96385074")
    assert gtin_is_valid("036000291452")
    assert gtin_is_valid("10012345678902")
    assert not gtin_is_valid("8901234567897")
    assert not gtin_is_valid("12345")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "has space"}, "sku"),
        ({"sku": "x" * 65}, "sku"),
        ({"hsn_code": "12345"}, "hsn_code"),
        ({"hsn_code": "61O9"}, "hsn_code"),
        ({"barcode": "8901234567897"}, "barcode"),
        ({"barcode": "123"}, "barcode"),
        ({"weight_grams": 1_000_001}, "weight_grams"),
        ({"weight_grams": -1}, "weight_grams"),
        ({"option_values": {"Size": "XXL"}}, "option_values"),
        ({"option_values": {"Colour": "Red"}}, "option_values"),
        ({"option_values": {}}, "option_values"),
        # Money values are built in the test (lambda): Money reads the Currency rows.
        ({"cost": lambda: Money(100, "USD")}, "cost"),
        ({"prices": lambda: [price("10.00", "USD")]}, "prices[0]"),
        ({"prices": lambda: [price("-1", "INR")]}, "prices[0]"),
        ({"prices": lambda: [price("10000000001", "INR")]}, "prices[0]"),
        ({"prices": lambda: [price("100", "INR", compare_at="100")]}, "prices[0].compare_at"),
        ({"prices": lambda: [price("100", "INR"), price("200", "INR")]}, "prices[1]"),
        ({"is_active": "yes"}, "is_active"),
    ],
)
def test_create_variant_rejects_bad_input(fields, field):
    product = make_product(sizes=("S",))
    built = {name: value() if callable(value) else value for name, value in fields.items()}
    fields = {"sku": "OK-1", "option_values": {"Size": "S"}, **built}
    with pytest.raises(ValidationError) as exc:
        services.create_variant(product=product, **fields)
    assert exc.value.details["field"] == field
    assert not Variant.objects.exists()
    assert not PriceHistory.objects.exists()
    assert not AuditLogEntry.objects.filter(action__startswith="variant").exists()


def test_disabled_currency_code():
    product = make_product()
    with pytest.raises(ValidationError) as exc:
        make_variant(product, "A", price("10", "USD"))
    assert exc.value.code == "currency_disabled"


def test_sku_unique_case_insensitive_and_duplicate_options():
    product = make_product(sizes=("S", "M"))
    make_variant(product, "ABC-1", option_values={"Size": "S"})
    with pytest.raises(Conflict) as exc:
        make_variant(product, "abc-1", option_values={"Size": "M"})
    assert exc.value.code == "duplicate_sku"
    with pytest.raises(Conflict) as exc:
        make_variant(product, "ABC-2", option_values={"Size": "S"})
    assert exc.value.code == "duplicate_variant"
    assert Variant.objects.count() == 1


def test_set_options_refuses_dropping_used_value_and_fills_new_option():
    product = make_product(sizes=("S", "M", "L"))
    v = make_variant(product, "A", option_values={"Size": "M"})
    with pytest.raises(Conflict) as exc:
        services.set_product_options(product=product, options=[("Size", ["S", "L"])])
    assert exc.value.code == "option_value_in_use"
    assert ProductOption.objects.get(product=product).values == ["S", "M", "L"]
    options = services.set_product_options(
        product=product, options=[("Size", ["M", "L"]), ("Colour", ["Indigo", "Red"])]
    )
    assert [(o.name, o.values, o.position) for o in options] == [
        ("Size", ["M", "L"], 0),
        ("Colour", ["Indigo", "Red"], 1),
    ]
    v.refresh_from_db()
    assert v.option_values == {"Size": "M", "Colour": "Indigo"}


@pytest.mark.parametrize(
    "options",
    [
        [("Size", [])],
        [("", ["S"])],
        [("Size", ["S", "S"])],
        [("Size", ["S"]), ("size", ["M"])],
        [("A", ["1"]), ("B", ["1"]), ("C", ["1"]), ("D", ["1"])],
    ],
)
def test_set_options_rejects_bad_input(options):
    product = make_product()
    with pytest.raises(ValidationError) as exc:
        services.set_product_options(product=product, options=options)
    assert exc.value.details["field"] == "options"
    assert not ProductOption.objects.exists()


def test_update_variant_deactivate_refreshes_range_and_audits():
    product = make_product(sizes=("S", "M"))
    a = make_variant(product, "A", price("100"), option_values={"Size": "S"})
    make_variant(product, "B", price("300"), option_values={"Size": "M"})
    r = ProductPriceRange.objects.get(product=product)
    assert (r.min_amount, r.max_amount) == (10000, 30000)
    services.update_variant(variant=a, is_active=False, weight_grams=10)
    r = ProductPriceRange.objects.get(product=product)
    assert (r.min_amount, r.max_amount) == (30000, 30000)
    entry = AuditLogEntry.objects.get(action="variant.update")
    assert entry.changes == {"is_active": [True, False], "weight_grams": [None, 10]}


def test_update_variant_prices_and_sku_conflict():
    product = make_product(sizes=("S", "M"))
    a = make_variant(product, "A", price("100"), option_values={"Size": "S"})
    make_variant(product, "B", option_values={"Size": "M"})
    with pytest.raises(Conflict):
        services.update_variant(variant=a, sku="b", prices=[price("150")])
    a.refresh_from_db()
    assert a.sku == "A"
    assert a.prices.get().amount == 10000
    services.update_variant(variant=a, prices=[price("150")])
    assert a.prices.get().amount == 15000
    assert PriceHistory.objects.filter(variant=a).count() == 2


def test_delete_variant_refreshes_range():
    product = make_product(sizes=("S", "M"))
    make_variant(product, "A", price("100"), option_values={"Size": "S"})
    b = make_variant(product, "B", price("300"), option_values={"Size": "M"})
    services.delete_variant(variant=b)
    r = ProductPriceRange.objects.get(product=product)
    assert (r.min_amount, r.max_amount) == (10000, 10000)
    assert OutboxEvent.objects.filter(event_type="catalog.variant_deleted").count() == 1
