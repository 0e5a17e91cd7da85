"""Unpaid orders expire with their hold; express sourcing is a paid add-on per currency."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haat.core.models import OutboxEvent
from haat.core.periodic import periodic_tasks
from haat.orders.models import Order
from haat.orders.tasks import expire_overdue_orders
from haat.payments.models import Payment
from tests.checkout.helpers import available, make_variant
from tests.flows.helpers import click, enable, place

pytestmark = pytest.mark.django_db


def test_unpaid_order_is_cancelled_when_its_payment_expires(store_api, warehouse, settings):
    variant = make_variant(price="299.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid", quantity=2)
    order = Order.objects.get(token=r.json()["token"])
    assert (
        timedelta(minutes=14)
        < order.pay_by - timezone.now()
        <= timedelta(minutes=settings.HAAT_HOLD_MINUTES)
    )
    assert expire_overdue_orders.call() == 0
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    assert expire_overdue_orders.call() == 1
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "Payment not completed in time"
    assert available(variant) == 2
    assert Payment.objects.get().status == "expired"
    cancelled = OutboxEvent.objects.get(event_type="order.cancelled")
    assert cancelled.payload["reason"] == "Payment not completed in time"
    assert not OutboxEvent.objects.filter(event_type="order.reservation_expired").exists()
    # The hosted page of the expired payment is closed; the pay page says why.
    assert Client().get(r.json()["payment"]["redirect_url"]).status_code == 410
    page = Client().get(f"/pay/{order.token}")
    assert page.status_code == 410 and b"Payment not completed in time" in page.content


def test_failed_order_past_its_deadline_is_cancelled_keeping_the_reason(store_api, warehouse):
    variant = make_variant(price="299.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    click(r.json()["payment"]["redirect_url"], action="fail")
    order = Order.objects.get(token=r.json()["token"])
    assert expire_overdue_orders.call() == 0
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    assert expire_overdue_orders.call() == 1
    order.refresh_from_db()
    assert order.status == "cancelled" and "declined" in order.cancel_reason


def test_payment_arriving_after_the_hold_lapsed_still_sells_the_stock(store_api, warehouse):
    from haat.inventory.holds import release_expired_holds

    variant = make_variant(price="299.00", stock=3, location=warehouse)
    _, r = place(store_api, variant, "prepaid", quantity=2)
    release_expired_holds(now=timezone.now() + timedelta(hours=1))  # the hold sweep ran
    assert available(variant) == 3
    click(r.json()["payment"]["redirect_url"])
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "confirmed" and available(variant) == 1


def test_expiry_task_is_periodic():
    jobs = {job.name: job for job in periodic_tasks()}
    assert jobs["orders.expire_overdue"].every == timedelta(minutes=1)


def test_express_fee_per_currency_and_24_hour_promise(store_api, warehouse, currencies):
    currencies("USD")
    enable(express_fee={"INR": 14900, "USD": 300})
    variant = make_variant(
        price="1000.00", currency_prices={"USD": "20.00"}, stock=5, location=warehouse
    )
    _, inr = place(store_api, variant, "cod", express_sourcing=True)
    assert inr.status_code == 201, inr.content
    body = inr.json()
    assert body["express_sourcing"] is True
    assert body["amounts"]["express"]["amount"] == 14900
    assert body["amounts"]["total"]["amount"] == 114900
    order = Order.objects.get(token=body["token"])
    assert (
        timedelta(hours=23, minutes=59)
        < order.sourcing_due_at - order.created_at
        <= timedelta(hours=24, seconds=1)
    )
    _, usd = place(store_api, variant, "prepaid", currency="USD", express_sourcing=True)
    assert usd.status_code == 201, usd.content
    assert usd.json()["amounts"]["express"]["amount"] == 300
    assert usd.json()["amounts"]["pay_now"]["amount"] == 2300
    assert usd.json()["payment"]["amount"]["amount"] == 2300


def test_express_default_is_149_rupees_and_refused_where_not_priced(
    store_api, warehouse, currencies
):
    currencies("EUR")
    variant = make_variant(
        price="1000.00", currency_prices={"EUR": "20.00"}, stock=5, location=warehouse
    )
    _, inr = place(store_api, variant, "cod", express_sourcing=True)
    assert inr.json()["amounts"]["express"]["amount"] == 14900
    _, eur = place(store_api, variant, "cod", currency="EUR", express_sourcing=True)
    assert eur.status_code == 422
    assert eur.json()["error"]["code"] == "express_unavailable"
    assert eur.json()["error"]["details"]["field"] == "express_sourcing"
    _, bad = place(store_api, variant, "cod", express_sourcing="yes")
    assert bad.status_code == 422
