"""Reserve & pay: pending_confirmation with stock held for the window, staff answer each
line, payment link (Haat's pay page or a Razorpay link), paying confirms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haat.core.models import AuditLogEntry, OutboxEvent
from haat.inventory.models import BackInStockSubscription, StockHold
from haat.orders.lifecycle import expire_overdue
from haat.orders.models import Order
from haat.payments.models import Payment
from tests.checkout.helpers import available, fill_cart, make_variant, on_hand
from tests.flows.helpers import click, enable, post_form, settle
from tests.gateways.conftest import razorpay_event, razorpay_headers

pytestmark = pytest.mark.django_db
ADDRESS = {
    "name": "Meera Iyer",
    "line1": "12 Residency Road",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560025",
    "country": "IN",
}


@pytest.fixture(autouse=True)
def _reserve_on(db):
    enable(reserve_and_pay_enabled=True, reserve_window_hours=48)


def reserve(api, lines, **body):
    token = fill_cart(api, lines[0][0], lines[0][1])
    for variant, qty in lines[1:]:
        api.post(f"/api/v1/store/carts/{token}/lines", {"variant_id": variant.pk, "quantity": qty})
    r = api.post(
        f"/api/v1/store/carts/{token}/checkout",
        {
            "email": "meera@example.in",
            "phone": "98450 12345",
            "shipping_address": ADDRESS,
            "payment_type": "reserve_and_pay",
            **body,
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


def answer(admin, number, line_id, available):
    return admin.post(
        f"/api/v1/admin/orders/{number}/lines/{line_id}/availability", {"available": available}
    )


def test_reservation_waits_without_payment_holding_stock_for_the_window(store_api, warehouse):
    variant = make_variant(price="1200.00", stock=3, location=warehouse)
    body = reserve(store_api, [(variant, 2)])
    assert body["status"] == "pending_confirmation" and "payment" not in body
    assert body["amounts"]["pay_now"]["amount"] == 240000
    order = Order.objects.get(token=body["token"])
    window = order.confirm_by - timezone.now()
    assert timedelta(hours=47, minutes=59) < window <= timedelta(hours=48)
    hold = StockHold.objects.get(owner_type="order", owner_id=str(order.pk))
    assert hold.expires_at == order.confirm_by and available(variant) == 1
    assert not Payment.objects.exists()
    page = Client().get(f"/pay/{order.token}")
    assert page.status_code == 200 and b"confirming that your items" in page.content


def test_all_available_sends_pay_page_link_and_paying_confirms(store_api, admin_api, warehouse):
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    b = make_variant(price="300.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1), (b, 2)])
    admin = admin_api("manager")
    detail = admin.get(f"/api/v1/admin/orders/{body['number']}").json()
    first, second = (line["id"] for line in detail["lines"])
    r = answer(admin, body["number"], first, True)
    assert r.status_code == 200 and r.json()["outcome"] == "waiting"
    r = answer(admin, body["number"], second, True)
    assert r.json()["outcome"] == "payment_requested"
    order = Order.objects.get(token=body["token"])
    assert r.json()["payment_link"] == f"http://testserver/pay/{order.token}"
    assert order.status == "pending_payment" and order.pay_by > timezone.now()
    event = OutboxEvent.objects.get(event_type="payment.link_created")
    assert event.payload["url"].endswith(f"/pay/{order.token}")
    assert event.payload["amount"] == 180000 and event.payload["gateway"] == "haat"

    client = Client(enforce_csrf_checks=True)
    started = post_form(f"/pay/{order.token}", client=client)
    assert started.status_code == 302 and started["Location"].startswith("/pay/test/")
    click(started["Location"], client=client)
    order.refresh_from_db()
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert on_hand(a) == 2 and on_hand(b) == 1
    assert Payment.objects.get().purpose == "link"

    # The link used again after payment: a clear page, 409, nothing changed, recorded.
    again = post_form(f"/pay/{order.token}")
    assert again.status_code == 409 and b"This order is paid" in again.content
    assert Payment.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="paylink.refused", object_id=str(order.pk)).exists()


def test_some_unavailable_removes_lines_recomputes_and_subscribes(store_api, admin_api, warehouse):
    enable(express_fee={"INR": 14900})
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    b = make_variant(price="300.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1), (b, 2)], express_sourcing=True)
    assert body["amounts"]["total"]["amount"] == 180000 + 14900
    admin = admin_api("manager")
    ids = [
        line["id"] for line in admin.get(f"/api/v1/admin/orders/{body['number']}").json()["lines"]
    ]
    answer(admin, body["number"], ids[0], True)
    r = answer(admin, body["number"], ids[1], False)
    assert r.json()["outcome"] == "payment_requested"
    order = Order.objects.get(token=body["token"])
    assert [line.sku for line in order.lines.all()] == [a.sku]
    assert order.subtotal_amount == 120000 and order.express_amount == 14900
    assert order.total_amount == order.amount_due_online == 134900
    assert available(b) == 3 and available(a) == 2  # b released, a still held
    sub = BackInStockSubscription.objects.get()
    assert (sub.variant_id, sub.email) == (b.pk, "meera@example.in")
    assert OutboxEvent.objects.filter(event_type="order.lines_removed").count() == 1


def test_all_unavailable_cancels_with_a_readable_reason(store_api, admin_api, warehouse):
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 2)])
    admin = admin_api("manager")
    line = admin.get(f"/api/v1/admin/orders/{body['number']}").json()["lines"][0]["id"]
    r = answer(admin, body["number"], line, False)
    assert r.json()["outcome"] == "cancelled"
    order = Order.objects.get(token=body["token"])
    assert order.status == "cancelled" and "none of the items" in order.cancel_reason
    assert available(a) == 3 and BackInStockSubscription.objects.filter(variant=a).exists()
    page = Client().get(f"/pay/{order.token}")
    assert page.status_code == 410 and b"none of the items" in page.content
    # Answering again is refused, nothing changes.
    again = answer(admin, body["number"], line, True)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_awaiting_confirmation"


def test_confirmation_expiry_cancels_and_records_reservation_expired(store_api, warehouse):
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1)])
    order = Order.objects.get(token=body["token"])
    assert expire_overdue() == 0
    assert expire_overdue(now=order.confirm_by + timedelta(seconds=1)) == 1
    order.refresh_from_db()
    assert order.status == "cancelled" and "in time" in order.cancel_reason
    assert available(a) == 3
    event = OutboxEvent.objects.get(event_type="order.reservation_expired")
    assert event.payload["number"] == order.number


def test_link_used_after_expiry_is_refused_and_recorded(store_api, admin_api, warehouse):
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1)])
    admin = admin_api("manager")
    line = admin.get(f"/api/v1/admin/orders/{body['number']}").json()["lines"][0]["id"]
    answer(admin, body["number"], line, True)
    order = Order.objects.get(token=body["token"])
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(minutes=1))
    refused = post_form(f"/pay/{order.token}")
    assert refused.status_code == 410 and b"expired" in refused.content
    assert not Payment.objects.exists()
    assert AuditLogEntry.objects.filter(action="paylink.refused").count() == 1
    assert expire_overdue() == 1
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "Payment not completed in time"
    assert OutboxEvent.objects.filter(event_type="order.reservation_expired").exists()
    assert available(a) == 3


def test_razorpay_currency_gets_a_razorpay_payment_link(store_api, admin_api, warehouse, razorpay):
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1)])
    admin = admin_api("manager")
    line = admin.get(f"/api/v1/admin/orders/{body['number']}").json()["lines"][0]["id"]
    r = answer(admin, body["number"], line, True)
    link = next(iter(razorpay.links.values()))
    assert r.json()["payment_link"] == link["short_url"]
    assert link["amount"] == 120000 and link["callback_url"].endswith(f"/pay/{body['token']}")
    payment = Payment.objects.get()
    assert (payment.purpose, payment.gateway_order_id) == ("link", link["id"])
    event = OutboxEvent.objects.get(event_type="payment.link_created")
    assert event.payload["gateway"] == "razorpay" and event.payload["url"] == link["short_url"]

    paid_body = razorpay_event(
        "payment_link.paid",
        payment_link={**link, "status": "paid", "amount_paid": 120000},
        payment={"id": "pay_link1", "amount": 120000, "currency": "INR", "status": "captured"},
    )
    response = Client().post(
        "/webhooks/razorpay",
        paid_body,
        content_type="application/json",
        **razorpay_headers(paid_body, event_id="evt_link_paid"),
    )
    assert response.status_code == 200
    settle()
    order = Order.objects.get(token=body["token"])
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert on_hand(a) == 2


def test_availability_needs_a_boolean_and_a_line_of_this_order(store_api, admin_api, warehouse):
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1)])
    admin = admin_api("manager")
    line = admin.get(f"/api/v1/admin/orders/{body['number']}").json()["lines"][0]["id"]
    assert answer(admin, body["number"], line, "yes").status_code == 422
    missing = answer(admin, body["number"], line + 999, True)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "line_not_found"
    assert (
        admin_api("support")
        .post(
            f"/api/v1/admin/orders/{body['number']}/lines/{line}/availability", {"available": True}
        )
        .status_code
        == 403
    )
    assert Order.objects.get(token=body["token"]).status == "pending_confirmation"
