"""Idempotency-Key on checkout, and customer matching by e-mail or phone."""

from __future__ import annotations

import pytest

from haat.core.models import IdempotencyKey
from haat.customers.models import Address, Customer
from haat.orders.models import Order
from tests.checkout.helpers import ADDRESS, checkout_body, fill_cart, make_variant, on_hand

pytestmark = pytest.mark.django_db


def checkout(api, token, body=None, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(
        f"/api/v1/store/carts/{token}/checkout", body or checkout_body(), headers=headers
    )


def test_same_key_same_body_returns_the_first_order(store_api, warehouse):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 2)
    first = checkout(store_api, token, key="k-123")
    again = checkout(store_api, token, key="k-123")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1 and on_hand(v) == 3


def test_same_key_other_body_is_refused(store_api, warehouse):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    assert checkout(store_api, token, key="k-1").status_code == 201
    r = checkout(store_api, token, checkout_body(name="Someone Else"), key="k-1")
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_failed_attempt_releases_the_key(store_api, warehouse):
    v = make_variant(stock=1)
    token = fill_cart(store_api, v, 2)
    assert checkout(store_api, token, key="k-2").status_code == 409
    assert not IdempotencyKey.objects.filter(key="k-2").exists()
    from haat.inventory.services import receive_stock

    receive_stock(variant_id=v.pk, location_id=warehouse.pk, quantity=5)
    assert checkout(store_api, token, key="k-2").status_code == 201


def test_same_key_on_another_cart_is_refused_and_holds_nothing(store_api, warehouse):
    v = make_variant(stock=5)
    assert checkout(store_api, fill_cart(store_api, v, 1), key="k-4").status_code == 201
    r = checkout(store_api, fill_cart(store_api, v, 1), key="k-4")
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1 and on_hand(v) == 4
    from haat.inventory.models import StockHold

    assert not StockHold.objects.filter(status="active").exists()


def test_overlong_key_is_refused(store_api, warehouse):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    r = checkout(store_api, token, key="x" * 300)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_idempotency_key"
    assert Order.objects.count() == 0


def test_returning_customer_matched_by_email_then_by_phone(store_api, warehouse):
    v = make_variant(stock=10)
    checkout(store_api, fill_cart(store_api, v, 1))
    # Same e-mail (other case), new phone: same customer, a new address saved.
    other_home = {**ADDRESS, "line1": "7 MG Road", "postal_code": "560001"}
    r = checkout(
        store_api,
        fill_cart(store_api, v, 1),
        checkout_body(
            email="MEERA@example.in", phone="+91 99000 11111", shipping_address=other_home
        ),
    )
    assert r.status_code == 201
    # New e-mail, known phone (written differently): matched by phone.
    r = checkout(
        store_api,
        fill_cart(store_api, v, 1),
        checkout_body(email="meera.work@example.in", phone="+919845012345"),
    )
    assert r.status_code == 201
    customer = Customer.objects.get()
    assert Order.objects.filter(customer=customer).count() == 3
    assert Address.objects.filter(customer=customer).count() == 2
    # A stranger is a new customer.
    checkout(
        store_api,
        fill_cart(store_api, v, 1),
        checkout_body(email="ravi@example.in", phone="9123456780"),
    )
    assert Customer.objects.count() == 2
