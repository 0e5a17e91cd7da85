"""Prepaid and partial COD through the API and the test gateway's hosted page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from haat.core.models import OutboxEvent
from haat.inventory.backorders import set_policy
from haat.inventory.models import BackorderPolicy, StockHold
from haat.orders.lifecycle import cancel
from haat.orders.models import Order
from haat.payments.models import Payment, PaymentTransaction
from tests.checkout.helpers import available, checkout_body, ledger_sum, make_variant, on_hand
from tests.flows.helpers import click, enable, place

pytestmark = pytest.mark.django_db


def test_prepaid_paid_on_the_test_page_confirms_and_sells(store_api, warehouse):
    variant = make_variant(price="499.00", stock=5, location=warehouse)
    _, r = place(store_api, variant, "prepaid", quantity=2)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "pending_payment" and body["payment_type"] == "prepaid"
    assert body["amounts"]["total"]["amount"] == 99800
    assert body["amounts"]["pay_now"]["amount"] == 99800
    assert body["amounts"]["pay_on_delivery"]["amount"] == 0
    payment = body["payment"]
    assert payment["gateway"] == "test" and payment["amount"]["amount"] == 99800
    assert payment["redirect_url"].startswith("/pay/test/")
    assert payment["expires_at"] and body["pay_by"] == payment["expires_at"]
    assert available(variant) == 3 and on_hand(variant) == 5  # held, not sold

    result = click(payment["redirect_url"])
    assert result.status_code == 302

    order = Order.objects.get(token=body["token"])
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert order.amount_paid == 99800 and order.pay_by is None
    assert on_hand(variant) == 3 and available(variant) == 3 and ledger_sum(variant) == 3
    assert not StockHold.objects.filter(status="active").exists()
    kinds = list(OutboxEvent.objects.values_list("event_type", flat=True))
    assert "payment.captured" in kinds and "order.confirmed" in kinds
    assert PaymentTransaction.objects.filter(order=order, kind="capture").count() == 1

    store_order = store_api.get(f"/api/v1/store/orders/{order.token}").json()
    assert store_order["status"] == "confirmed" and store_order["payment_status"] == "paid"
    assert store_order["amounts"]["balance"]["amount"] == 0


def test_failed_payment_releases_stock_with_a_reason_then_retry_pays(store_api, warehouse):
    variant = make_variant(price="299.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid", quantity=2)
    body = r.json()
    click(body["payment"]["redirect_url"], action="fail")
    order = Order.objects.get(token=body["token"])
    assert order.status == "payment_failed" and order.payment_status == "failed"
    assert "declined" in order.cancel_reason
    assert available(variant) == 2 and on_hand(variant) == 2
    assert OutboxEvent.objects.filter(event_type="payment.failed").count() == 1
    shown = store_api.get(f"/api/v1/store/orders/{order.token}").json()
    assert shown["status"] == "payment_failed" and "declined" in shown["cancel_reason"]

    retry = store_api.post(f"/api/v1/store/orders/{order.token}/payments", {})
    assert retry.status_code == 201, retry.content
    assert available(variant) == 0  # held again
    order.refresh_from_db()
    assert order.status == "pending_payment" and order.cancel_reason == ""
    click(retry.json()["redirect_url"])
    order.refresh_from_db()
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert on_hand(variant) == 0 and ledger_sum(variant) == 0


def test_retry_when_stock_sold_out_meanwhile_is_refused(store_api, warehouse):
    variant = make_variant(price="299.00", stock=1, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    click(r.json()["payment"]["redirect_url"], action="fail")
    _, other = place(store_api, variant, "cod")
    assert other.status_code == 201
    retry = store_api.post(f"/api/v1/store/orders/{r.json()['token']}/payments", {})
    assert retry.status_code == 409 and retry.json()["error"]["code"] == "out_of_stock"
    assert Order.objects.get(token=r.json()["token"]).status == "payment_failed"


def test_partial_cod_pays_the_advance_online_and_the_rest_on_delivery(
    store_api, warehouse, admin_api
):
    enable(partial_cod_enabled=True, partial_cod_percent="20", cod_fee={"INR": 4900})
    variant = make_variant(price="1000.00", stock=3, location=warehouse)
    _, r = place(store_api, variant, "partial_cod")
    assert r.status_code == 201, r.content
    body = r.json()
    amounts = body["amounts"]
    assert amounts["total"]["amount"] == 100000 + 4900
    assert amounts["pay_now"]["amount"] == 20000
    assert amounts["pay_on_delivery"]["amount"] == 80000 + 4900
    assert body["payment"]["amount"]["amount"] == 20000
    assert Payment.objects.get().purpose == "upfront"

    click(body["payment"]["redirect_url"])
    order = Order.objects.get(token=body["token"])
    assert order.status == "confirmed" and order.payment_status == "partially_paid"
    assert order.amount_paid == 20000 and order.balance_due.amount == 84900

    cod = admin_api("owner").post(
        f"/api/v1/admin/orders/{order.number}/cod-collected",
        {"amount": 84900, "reference": "DLV-1"},
    )
    assert cod.status_code == 201, cod.content
    order.refresh_from_db()
    assert order.payment_status == "paid" and order.amount_paid == 104900


def test_cod_confirms_at_once_without_a_payment(store_api, warehouse):
    enable(cod_fee={"INR": 3000})
    variant = make_variant(price="500.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "cod")
    body = r.json()
    assert body["status"] == "confirmed" and "payment" not in body
    assert body["amounts"]["pay_now"]["amount"] == 0
    assert body["amounts"]["pay_on_delivery"]["amount"] == 53000
    assert body["amounts"]["cod_fee"]["amount"] == 3000
    assert not Payment.objects.exists() and on_hand(variant) == 1


def test_idempotent_replay_returns_the_same_payment(store_api, warehouse):
    variant = make_variant(price="299.00", stock=5, location=warehouse)
    token, first = place(store_api, variant, "prepaid", key="k-1")
    again = store_api.post(
        f"/api/v1/store/carts/{token}/checkout",
        checkout_body(payment_type="prepaid"),
        headers={"Idempotency-Key": "k-1"},
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["payment"] == first.json()["payment"]
    assert Payment.objects.count() == 1 and Order.objects.count() == 1


def test_gateway_down_leaves_the_order_payable_from_the_pay_page(store_api, warehouse, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = False
    variant = make_variant(price="299.00", stock=5, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    # No gateway at all for INR: prepaid is not offered.
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "payment_type_unavailable"
    assert "not set up" in r.json()["error"]["message"]
    assert not Order.objects.exists() and available(variant) == 5


def test_payment_retry_accepts_an_idempotency_key(store_api, warehouse):
    variant = make_variant(price="299.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    click(r.json()["payment"]["redirect_url"], action="fail")
    url = f"/api/v1/store/orders/{r.json()['token']}/payments"
    first = store_api.post(url, {}, headers={"Idempotency-Key": "retry-1"})
    again = store_api.post(url, {}, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Payment.objects.count() == 2  # the failed one and one retry
    other = store_api.post(url, {"return_url": "/x"}, headers={"Idempotency-Key": "retry-1"})
    assert other.status_code == 422


def test_prepaid_pre_order_paid_then_cancelled_gives_the_allowance_back(store_api, warehouse):
    """Paid: the hold beyond stock converts without touching the shelves and stays
    committed; cancelling the confirmed order then gives it back."""
    variant = make_variant(price="499.00", stock=1, location=warehouse)
    set_policy(variant_id=variant.pk, mode="pre_order", cap=3, ships_in_days=20)
    _, r = place(store_api, variant, "prepaid", quantity=3)
    assert r.status_code == 201, r.content
    assert [line["backordered"] for line in r.json()["lines"]] == [2]
    click(r.json()["payment"]["redirect_url"])
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "confirmed"
    assert on_hand(variant) == 0 and ledger_sum(variant) == 0
    assert set(StockHold.objects.values_list("status", flat=True)) == {"converted"}
    assert BackorderPolicy.objects.get(variant=variant).committed == 2
    cancel(order=order, reason="Out of fabric")
    assert BackorderPolicy.objects.get(variant=variant).committed == 0
    assert on_hand(variant) == 1
    call_command("verify_stock_ledger")
