"""Refused checkouts: a clear 422, nothing written, the attempt in the audit log."""

from __future__ import annotations

import pytest

from haat.checkout.models import Cart
from haat.core.models import AuditLogEntry
from haat.inventory.models import StockHold
from haat.orders.models import Order
from haat.payments.rules import create_method_rule
from tests.checkout.helpers import ADDRESS, available, make_variant
from tests.flows.helpers import enable, place

pytestmark = pytest.mark.django_db


def _nothing_written(token, variant, stock):
    assert not Order.objects.exists()
    assert not StockHold.objects.exists() and available(variant) == stock
    assert Cart.objects.get(token=token).completed_at is None


def test_cod_forbidden_for_the_state_is_refused_and_recorded(store_api, warehouse):
    create_method_rule(
        data={"payment_type": "cod", "effect": "forbid", "scope": "state", "state_code": "KA"}
    )
    variant = make_variant(price="500.00", stock=4, location=warehouse)
    token, r = place(store_api, variant, "cod")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "payment_type_unavailable"
    assert error["message"] == "Cash on delivery is not available for deliveries to Karnataka."
    assert (
        error["details"]["field"] == "payment_type" and "prepaid" in error["details"]["available"]
    )
    _nothing_written(token, variant, 4)
    entry = AuditLogEntry.objects.get(action="checkout.refused")
    assert entry.changes["payment_type"] == "cod" and entry.changes["state"] == "Karnataka"
    # Another state is fine.
    _, ok = place(store_api, variant, "cod", shipping_address={**ADDRESS, "state": "Kerala"})
    assert ok.status_code == 201, ok.content


def test_switched_off_type_and_cod_above_the_maximum(store_api, warehouse):
    variant = make_variant(price="5000.00", stock=4, location=warehouse)
    token, r = place(store_api, variant, "reserve_and_pay")
    assert r.status_code == 422 and "not offered" in r.json()["error"]["message"]
    _nothing_written(token, variant, 4)
    enable(cod_max_order_value={"INR": 600000})
    token, r = place(store_api, variant, "cod")
    assert r.status_code == 201  # ₹5,000 is within the ₹6,000 maximum
    token, r = place(store_api, variant, "cod", quantity=2)
    assert r.status_code == 422 and "up to" in r.json()["error"]["message"]
    assert AuditLogEntry.objects.filter(action="checkout.refused").count() == 2


def test_unknown_payment_type_and_bad_return_url(store_api, warehouse):
    variant = make_variant(price="500.00", stock=4, location=warehouse)
    token, r = place(store_api, variant, "bitcoin")
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "payment_type"
    token, r = place(store_api, variant, "prepaid", return_url="javascript:alert(1)")
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "return_url"
    _nothing_written(token, variant, 4)


def test_paying_a_confirmed_cod_order_is_refused(store_api, warehouse):
    variant = make_variant(price="500.00", stock=4, location=warehouse)
    _, r = place(store_api, variant, "cod")
    again = store_api.post(f"/api/v1/store/orders/{r.json()['token']}/payments", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_payable"
