"""The variant stock page in the merchant's words: locations by name in the history and
the holds, a hold by its order's number (linked) or "a cart", never "order 12"."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.customers.services import match_or_create_customer
from haat.inventory.holds import HoldRequest, place_holds
from haat.orders import services as orders
from haat.orders.models import Order
from tests.checkout.helpers import ADDRESS
from tests.inventory.conftest import make_location, make_variant, receive

pytestmark = pytest.mark.django_db


def _pending_order(variant, quantity: int, status: str = "pending_payment") -> Order:
    customer = match_or_create_customer(email="meera@example.in", phone="9845012345")
    return orders.create_order(
        customer=customer,
        currency="INR",
        email=customer.email,
        phone=customer.phone,
        name="Meera",
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        payment_type="cod",
        status=status,
        lines=[orders.LineInput(variant.pk, variant.sku, "Kurta", {}, quantity, 1000)],
    )


def _page(client, variant) -> str:
    r = client.get(f"/dashboard/inventory/stock/variants/{variant.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def _holds(html: str) -> str:
    return html.split("<h2>Active holds</h2>", 1)[1].split("</section>", 1)[0]


def test_holds_and_history_name_locations_and_orders(staff_client):
    variant = make_variant("KUR-M")
    location = make_location("blr-1", name="Bengaluru studio")
    receive(variant, location, 10)
    order = _pending_order(variant, 2)
    place_holds(requests=[HoldRequest(variant.pk, 1)], owner_type="cart", owner_id="c0ffee")
    html = _page(staff_client("owner"), variant)
    holds = _holds(html)
    assert f'for order <a href="/dashboard/orders/{order.number}/">{order.number}</a>' in holds
    assert "2 at Bengaluru studio" in holds
    assert "1 at Bengaluru studio for a cart" in holds
    assert f"order {order.pk} " not in holds and "blr-1" not in holds and "c0ffee" not in holds
    history = html.split('id="ledger"', 1)[1]
    assert "<td>Bengaluru studio</td>" in history and "blr-1" not in history


def test_history_links_an_order_number_reference(staff_client):
    variant = make_variant("KUR-L")
    receive(variant, make_location("main", name="Main warehouse"), 5)
    order = _pending_order(variant, 2, status="confirmed")  # COD: sold at once
    html = _page(staff_client("owner"), variant)
    history = html.split('id="ledger"', 1)[1]
    link = f'<a href="/dashboard/orders/{order.number}/">{order.number}</a>'
    assert re.search(rf"<td>Sale</td><td class=\"num\">-2</td><td></td><td>{link}</td>", history)
    assert "<td>Main warehouse</td>" in history


def test_holds_cost_the_same_queries_for_many_orders(staff_client):
    client = staff_client("owner")
    variant = make_variant("KUR-S")
    receive(variant, make_location("main", name="Main warehouse"), 100)
    _pending_order(variant, 1)
    _page(client, variant)
    with CaptureQueriesContext(connection) as one:
        _page(client, variant)
    for _ in range(6):
        _pending_order(variant, 1)
    place_holds(requests=[HoldRequest(variant.pk, 1)], owner_type="cart", owner_id="abc")
    with CaptureQueriesContext(connection) as many:
        html = _page(client, variant)
    assert _holds(html).count("for order <a") == 7
    assert len(many) <= len(one) + 0, [q["sql"] for q in many.captured_queries]
