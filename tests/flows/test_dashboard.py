"""The order pages show how an order is paid, and staff confirm reserve & pay lines."""

from __future__ import annotations

import pytest

from haat.orders.models import Order
from tests.checkout.helpers import make_variant
from tests.flows.helpers import click, enable, place

pytestmark = pytest.mark.django_db


def test_order_page_shows_amounts_balance_and_transactions(staff_client, store_api, warehouse):
    enable(partial_cod_enabled=True, partial_cod_percent="25")
    variant = make_variant(price="800.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "partial_cod", express_sourcing=True)
    click(r.json()["payment"]["redirect_url"])
    order = Order.objects.get(token=r.json()["token"])
    html = staff_client("owner").get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "Part paid now, rest on delivery" in html and "Partially paid" in html
    assert "Express sourcing" in html and "promised within 24 hours" in html
    for label in ("Due online", "Due on delivery", "Paid", "Refunded", "Balance"):
        assert label in html
    assert "₹237.25" in html  # 25% of ₹949.00 paid online
    assert "₹711.75" in html  # the balance, due on delivery
    assert "Capture" in html and "testpay_" in html  # the ledger row and its reference
    assert "Refundable" in html and "Record COD collected" in html

    listing = staff_client("support").get("/dashboard/orders/").content.decode()
    assert "Express" in listing and "Partially paid" in listing


def test_support_sees_money_but_cannot_refund(staff_client, store_api, warehouse):
    variant = make_variant(price="800.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    click(r.json()["payment"]["redirect_url"])
    order = Order.objects.get(token=r.json()["token"])
    client = staff_client("support")
    html = client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "Balance" in html and 'id="refund-form"' not in html
    denied = client.post(
        f"/dashboard/orders/{order.number}/refund/",
        {"amount": "1", "reason": "x", "method": "gateway", "idempotency_key": "s1"},
    )
    assert denied.status_code == 403
    order.refresh_from_db()
    assert order.amount_refunded == 0


def test_staff_confirm_reserve_lines_on_the_order_page(staff_client, store_api, warehouse):
    enable(reserve_and_pay_enabled=True)
    variant = make_variant(price="800.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "reserve_and_pay")
    order = Order.objects.get(token=r.json()["token"])
    client = staff_client("manager")
    html = client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "Not checked" in html and "Confirm availability by" in html
    line = order.lines.get()
    page = client.post(
        f"/dashboard/orders/{order.number}/lines/{line.pk}/availability/",
        {"available": "yes"},
        follow=True,
    )
    assert b"payment link sent" in page.content
    order.refresh_from_db()
    assert order.status == "pending_payment"
