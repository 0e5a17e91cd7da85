"""The checkout's payment plan agrees with `payment_options` under every setting, a
settings change is seen at once, and a plan whose settings stamp is known (checkout reads
it with its lines) reads nothing while the settings are unchanged."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.checkout.payment import PaymentTypeUnavailable, plan_checkout
from haat.core import settings_stamp
from haat.core.money import Money
from haat.payments.config import update_settings
from haat.payments.options import payment_options
from haat.payments.rules import create_method_rule, delete_method_rule
from tests.checkout.helpers import make_variant

pytestmark = pytest.mark.django_db
KA = {"state": "Karnataka", "country": "IN", "postal_code": "560025"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def plan(variant, ptype="cod", qty=1, address=KA, express=False):
    return plan_checkout(
        payment_type=ptype,
        express_sourcing=express,
        currency="INR",
        lines=[(variant, qty)],
        subtotal=variant.prices.get(currency_id="INR").amount * qty,
        address=address,
    )


def option(variant, ptype="cod", qty=1, address=KA, extras=0):
    amount = variant.prices.get(currency_id="INR").amount * qty
    options = payment_options(
        currency="INR",
        lines=[(variant, qty)],
        subtotal=Money(amount, "INR"),
        address=address,
        extras=Money(extras, "INR"),
    )
    return next(o for o in options if o.type == ptype)


def agree(variant, **kw):
    express = kw.pop("express", False)
    extras = 14900 if express else 0
    expected = option(variant, extras=extras, **kw)
    if not expected.available:
        with pytest.raises(PaymentTypeUnavailable) as exc:
            plan(variant, express=express, **kw)
        assert exc.value.message == expected.reason
        return
    terms = plan(variant, express=express, **kw).terms
    assert terms.amount_due_online == expected.pay_now.amount
    assert terms.amount_due_on_delivery == expected.pay_on_delivery.amount
    assert terms.cod_fee_amount == expected.fee.amount


@pytest.mark.parametrize("qty", [1, 3])
@pytest.mark.parametrize("express", [False, True])
def test_cod_plan_matches_payment_options_under_every_setting(qty, express):
    variant = make_variant(price="1999.99")
    agree(variant, qty=qty, express=express)
    update_settings(data={"cod_fee": {"INR": 4900}})
    agree(variant, qty=qty, express=express)
    update_settings(data={"cod_max_order_value": {"INR": 300000}})
    agree(variant, qty=qty, express=express)
    rule = create_method_rule(
        data={"payment_type": "cod", "effect": "forbid", "scope": "state", "state_code": "KA"}
    )
    agree(variant, qty=qty, express=express)
    agree(variant, qty=qty, express=express, address={**KA, "state": "Kerala"})
    delete_method_rule(rule_id=rule.pk)
    agree(variant, qty=qty, express=express)
    update_settings(data={"cod_enabled": False})
    agree(variant, qty=qty, express=express)


def test_cod_plan_reads_nothing_once_loaded_for_the_stamp_checkout_read():
    variant = make_variant(price="499.00")
    args = {
        "payment_type": "cod",
        "express_sourcing": True,
        "currency": "INR",
        "lines": [(variant, 1)],
        "subtotal": 49900,
        "address": KA,
    }
    plan_checkout(**args)
    stamp = settings_stamp.current()
    with CaptureQueriesContext(connection) as ctx:
        result = plan_checkout(**args, settings_stamp=stamp)
    assert result.terms.amount_due_on_delivery == 49900 + 14900
    assert not ctx.captured_queries, [q["sql"] for q in ctx.captured_queries]
    # Without the stamp: that one read, and still no payment table.
    with CaptureQueriesContext(connection) as ctx:
        plan_checkout(**args)
    assert [q["sql"] for q in ctx.captured_queries] == [f"SELECT {settings_stamp.stamp_sql()}"]
    # The stamp moved: the next plan reads the settings again and obeys them.
    update_settings(data={"cod_fee": {"INR": 4900}})
    result = plan_checkout(**args, settings_stamp=settings_stamp.current())
    assert result.terms.amount_due_on_delivery == 49900 + 14900 + 4900


def test_other_types_ask_payment_options():
    variant = make_variant(price="499.00")
    update_settings(data={"partial_cod_enabled": True, "partial_cod_percent": "10"})
    for ptype in ("prepaid", "partial_cod"):
        agree(variant, ptype=ptype)
    with pytest.raises(PaymentTypeUnavailable):
        plan(variant, "reserve_and_pay")  # switched off by default
