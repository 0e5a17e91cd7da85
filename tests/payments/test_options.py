"""Payment options: splits that always sum (INR, JPY, KWD) and the availability rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from haat.catalog import services as catalog
from haat.catalog import taxonomy
from haat.core.errors import ValidationError
from haat.core.money import Money
from haat.payments import config, rules
from haat.payments.options import payment_options, split_partial_cod
from tests.checkout.helpers import make_variant

pytestmark = pytest.mark.django_db

KA = {"state": "Karnataka", "country": "IN", "postal_code": "560025"}


@pytest.mark.parametrize("currency", ["INR", "JPY", "KWD"])
def test_partial_cod_split_always_sums(currency):
    for amount in [*range(0, 2000, 7), 99_999, 1_000_001, 123_456_789]:
        for fee in (0, 1, 4900):
            for upfront in (False, True):
                base, cost = Money(amount, currency), Money(fee, currency)
                split = split_partial_cod(
                    base=base,
                    fee=cost,
                    percent=Decimal("12.5"),
                    minimum=Money(9900, currency),
                    fee_upfront=upfront,
                )
                assert split.pay_now + split.pay_on_delivery == base + cost
                assert Money(0, currency) <= split.pay_now <= base + cost
                assert split.pay_on_delivery.amount >= 0
                expected = min(max(base.percent("12.5").amount, 9900), amount)
                assert split.pay_now.amount == expected + (fee if upfront else 0)


def _options(variant, subtotal: int, address=KA, currency="INR", **kw):
    found = payment_options(
        currency=currency,
        lines=[(variant, 1)],
        subtotal=Money(subtotal, currency),
        address=address,
        **kw,
    )
    return {o.type: o for o in found}


@pytest.fixture
def store(warehouse):
    config.update_settings(
        data={
            "partial_cod_enabled": True,
            "reserve_and_pay_enabled": True,
            "partial_cod_percent": "10",
            "partial_cod_minimum": {"INR": 9900},
            "cod_fee": {"INR": 4900},
            "cod_max_order_value": {"INR": 1_000_000},
        }
    )
    return make_variant(price="1000.00", stock=5)


def test_options_amounts_and_defaults(store):
    opts = _options(store, 200000)
    assert all(o.available for o in opts.values()), {t: o.reason for t, o in opts.items()}
    assert opts["prepaid"].pay_now == Money(200000, "INR")
    assert opts["cod"].pay_on_delivery == Money(204900, "INR")
    assert opts["cod"].fee == Money(4900, "INR")
    partial = opts["partial_cod"]
    assert partial.pay_now == Money(20000, "INR")  # 10% beats the ₹99 minimum
    assert partial.pay_on_delivery == Money(184900, "INR")  # fee collected on delivery
    assert partial.total == Money(204900, "INR")
    small = _options(store, 50000)["partial_cod"]
    assert small.pay_now == Money(9900, "INR")  # the minimum beats 10%


def test_max_cod_value_makes_cod_and_partial_unavailable(store):
    opts = _options(store, 1_000_001)
    assert not opts["cod"].available and "up to" in opts["cod"].reason
    assert not opts["partial_cod"].available
    assert opts["prepaid"].available


def test_state_and_country_rules(store):
    rules.create_method_rule(
        data={"payment_type": "cod", "effect": "forbid", "scope": "state", "state_code": "KA"}
    )
    opts = _options(store, 100000)
    assert not opts["cod"].available and "Karnataka" in opts["cod"].reason
    assert not opts["partial_cod"].available  # follows COD
    assert _options(store, 100000, {"state": "MH", "country": "IN"})["cod"].available
    # allow-list by country: only India may use COD
    rules.create_method_rule(
        data={"payment_type": "cod", "effect": "allow", "scope": "country", "country": "IN"}
    )
    abroad = _options(store, 100000, {"country": "AE"})
    assert not abroad["cod"].available and "AE" in abroad["cod"].reason
    assert _options(store, 100000, {"state": "Goa", "country": "IN"})["cod"].available


def test_product_and_category_rules(store):
    parent = taxonomy.create_category(name="Jewellery")
    child = taxonomy.create_category(name="Silver", parent_id=parent.pk)
    catalog.update_product(product=store.product, category_ids=[child.pk])
    rules.create_method_rule(
        data={
            "payment_type": "cod",
            "effect": "forbid",
            "scope": "category",
            "category_id": parent.pk,
        }
    )
    assert not _options(store, 100000)["cod"].available  # inherited from the parent
    rules.create_method_rule(
        data={
            "payment_type": "cod",
            "effect": "allow",
            "scope": "category",
            "category_id": child.pk,
        }
    )
    assert _options(store, 100000)["cod"].available  # the nearer category allows
    rules.create_method_rule(
        data={
            "payment_type": "cod",
            "effect": "forbid",
            "scope": "product",
            "product_id": store.product_id,
        }
    )
    opts = _options(store, 100000)
    assert not opts["cod"].available and store.product.title in opts["cod"].reason


def test_partial_cod_rule_precedence_and_slabs(store, currencies):
    category = taxonomy.create_category(name="Sarees")
    catalog.update_product(product=store.product, category_ids=[category.pk])
    slab = {"scope": "store", "currency": "INR", "minimum_amount": 0}
    rules.create_partial_cod_rule(data={**slab, "percent": "20", "max_order_value": 150000})
    rules.create_partial_cod_rule(data={**slab, "percent": "30", "min_order_value": 150000})
    assert _options(store, 100000)["partial_cod"].pay_now == Money(20000, "INR")
    assert _options(store, 200000)["partial_cod"].pay_now == Money(60000, "INR")
    rules.create_partial_cod_rule(
        data={"scope": "category", "category_id": category.pk, "currency": "INR", "percent": "40"}
    )
    assert _options(store, 200000)["partial_cod"].pay_now == Money(80000, "INR")
    rules.create_partial_cod_rule(
        data={
            "scope": "product",
            "product_id": store.product_id,
            "currency": "INR",
            "percent": "50",
            "minimum_amount": 150000,
        }
    )
    assert _options(store, 200000)["partial_cod"].pay_now == Money(150000, "INR")
    # never above the order
    assert _options(store, 100000)["partial_cod"].pay_now == Money(100000, "INR")


def test_zero_and_three_decimal_currencies(store, currencies):
    currencies("JPY", "KWD")
    config.update_settings(data={"cod_fee": {"JPY": 300, "KWD": 1250}})
    for currency, subtotal in (("JPY", 12345), ("KWD", 12_345)):
        opts = _options(store, subtotal, currency=currency)
        for option in opts.values():
            assert option.pay_now + option.pay_on_delivery == option.total
            assert option.total.currency == currency


def test_disabled_types_and_no_gateway(store):
    config.update_settings(data={"prepaid_enabled": False, "test_gateway_enabled": False})
    opts = _options(store, 100000)
    assert "not offered" in opts["prepaid"].reason
    assert not opts["reserve_and_pay"].available  # no gateway without the test one
    assert not opts["partial_cod"].available
    assert opts["cod"].available


def test_settings_validation_changes_nothing(store):
    before = config.snapshot(config.get_settings())
    for data, field in [
        ({"cod_fee": {"USD": 300}}, "cod_fee.USD"),  # USD not enabled
        ({"cod_fee": {"INR": 1.5}}, "cod_fee.INR"),
        ({"partial_cod_percent": "101"}, "partial_cod_percent"),
        ({"currency_gateways": {"INR": "paypal"}}, "currency_gateways.INR"),
        ({"reserve_window_hours": 0}, "reserve_window_hours"),
    ]:
        with pytest.raises(ValidationError) as exc:
            config.update_settings(data={"cod_enabled": False, **data})
        assert exc.value.details["field"] == field
    assert config.snapshot(config.get_settings()) == before
    with pytest.raises(ValidationError):
        config.amounts_from_decimal("cod_fee", {"JPY": "1.5"})
    assert config.amounts_from_decimal("cod_fee", {"KWD": "1.250", "INR": ""}) == {"KWD": 1250}
