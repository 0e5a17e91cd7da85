"""Refunds from the order page (by amount, by lines, manual for COD) and cash collected."""

from __future__ import annotations

import pytest

from haat.core.models import AuditLogEntry, OutboxEvent
from haat.orders.models import Order
from haat.payments.models import PaymentTransaction, Refund
from tests.checkout.helpers import make_variant
from tests.flows.helpers import click, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(store_api, warehouse):
    variant = make_variant(price="400.00", stock=5, location=warehouse)
    _, r = place(store_api, variant, "prepaid", quantity=3)
    click(r.json()["payment"]["redirect_url"])
    order = Order.objects.get(token=r.json()["token"])
    assert order.payment_status == "paid" and order.amount_paid == 120000
    return order


def refund(client, order, **data):
    form = {"reason": "Damaged in transit", "method": "gateway", "idempotency_key": "rk-1"}
    form.update(data)
    return client.post(f"/dashboard/orders/{order.number}/refund/", form, follow=True)


def test_partial_refund_by_amount_through_the_gateway(staff_client, paid_order):
    client = staff_client("owner")
    page = refund(client, paid_order, amount="150.50")
    assert "Refund of ₹150.50 recorded (processed)." in page.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.amount_refunded == 15050
    assert paid_order.payment_status == "partially_refunded"
    r = Refund.objects.get()
    assert (r.status, r.method, r.payment.gateway) == ("processed", "gateway", "test")
    assert OutboxEvent.objects.filter(event_type="payment.refund_processed").count() == 1
    # The same form submitted twice (same key): the same refund, nothing more.
    refund(client, paid_order, amount="150.50")
    assert Refund.objects.count() == 1
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1


def test_refund_by_lines(staff_client, paid_order):
    line = paid_order.lines.get()
    refund(staff_client("owner"), paid_order, **{f"qty_{line.pk}": "2"})
    paid_order.refresh_from_db()
    assert paid_order.amount_refunded == 80000
    assert Refund.objects.get().lines == [{"line_id": line.pk, "sku": line.sku, "quantity": 2}]


def test_refund_above_captured_is_refused_changes_nothing_and_is_recorded(staff_client, paid_order):
    page = refund(staff_client("owner"), paid_order, amount="1200.01")
    assert b"At most" in page.content
    paid_order.refresh_from_db()
    assert paid_order.amount_refunded == 0 and not Refund.objects.exists()
    entry = AuditLogEntry.objects.get(action="payments.refund_refused")
    assert entry.changes["code"] == "refund_exceeds_paid" and entry.changes["amount"] == 120001


def test_admin_api_refund_with_idempotency_key(admin_api, paid_order):
    api = admin_api("owner")
    url = f"/api/v1/admin/orders/{paid_order.number}/refunds"
    data = {"amount": 20000, "reason": "Late delivery"}
    first = api.post(url, data, headers={"Idempotency-Key": "api-r-1"})
    again = api.post(url, data, headers={"Idempotency-Key": "api-r-1"})
    assert first.status_code == 201 and first.json()["id"] == again.json()["id"]
    detail = api.get(f"/api/v1/admin/orders/{paid_order.number}").json()
    assert detail["amounts"]["refunded"]["amount"] == 20000
    assert detail["refundable"]["amount"] == 100000
    assert [t["kind"] for t in detail["transactions"]] == ["capture", "refund"]


def test_cod_collected_then_refunded_manually_by_upi(staff_client, store_api, warehouse):
    variant = make_variant(price="650.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "cod")
    order = Order.objects.get(token=r.json()["token"])
    client = staff_client("owner")
    page = client.get(f"/dashboard/orders/{order.number}/")
    assert b"Record COD collected" in page.content and b"Refund</button>" not in page.content
    page = client.post(
        f"/dashboard/orders/{order.number}/cod-collected/",
        {"amount": "650.00", "reference": "DTDC-778"},
        follow=True,
    )
    assert "Cash collected on delivery: ₹650.00." in page.content.decode()
    order.refresh_from_db()
    assert order.payment_status == "paid" and order.amount_paid == 65000
    # Through the gateway is impossible for cash; by UPI it needs a reference.
    page = refund(client, order, amount="650.00", method="gateway", idempotency_key="c1")
    assert b"bank transfer or UPI" in page.content
    page = refund(client, order, amount="650.00", method="upi", idempotency_key="c2")
    assert b"reference is required" in page.content
    refund(client, order, amount="650.00", method="upi", reference="UPI-99", idempotency_key="c3")
    order.refresh_from_db()
    assert order.payment_status == "refunded"
    manual = Refund.objects.get()
    assert (manual.status, manual.method, manual.reference) == ("manual", "upi", "UPI-99")
    assert AuditLogEntry.objects.filter(action="payments.refund_refused").count() == 2


def test_cod_collected_twice_or_too_much_changes_nothing(staff_client, store_api, warehouse):
    variant = make_variant(price="650.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "cod")
    order = Order.objects.get(token=r.json()["token"])
    client = staff_client("owner")
    url = f"/dashboard/orders/{order.number}/cod-collected/"
    page = client.post(url, {"amount": "700.00", "reference": "X-1"}, follow=True)
    assert b"more than that" in page.content
    client.post(url, {"amount": "650.00", "reference": "X-2"})
    page = client.post(url, {"amount": "650.00", "reference": "X-2"}, follow=True)
    assert b"recorded before" in page.content
    order.refresh_from_db()
    assert order.amount_paid == 65000
    assert AuditLogEntry.objects.filter(action="payments.cod_refused").count() == 1


def test_order_page_names_who_recorded_money_and_how_it_was_paid(
    client, owner, store_api, warehouse
):
    variant = make_variant(price="650.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "cod")
    order = Order.objects.get(token=r.json()["token"])
    client.force_login(owner)
    client.post(
        f"/dashboard/orders/{order.number}/cod-collected/",
        {"amount": "650.00", "reference": "DTDC-778"},
    )
    page = client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "<td>Cash on delivery</td>" in page and "<td>cod</td>" not in page
    assert "<td>Asha Owner</td>" in page and "owner@example.test</td>" not in page
