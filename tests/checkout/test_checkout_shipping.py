"""Checkout with shipping zones: the chosen option is charged and stored on the order, COD
is refused where the zone or the PIN does not take it, an unserviceable PIN is a 422, and
the cart lists its options. Zones come from a per-process copy: no statement more per
checkout (one for the PIN's row when the merchant keeps a PIN list)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.catalog.models import Variant
from haat.orders.models import Order
from haat.shipping import services as shipping
from haat.shipping.models import ServiceablePin
from tests.checkout.helpers import checkout_body, fill_cart, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def zones(currencies):
    return _make_zones(currencies)


def _make_zones(currencies):
    currencies("INR")
    local = shipping.create_zone(name="Rajasthan", states=["Rajasthan"], priority=10)
    india = shipping.create_zone(name="Rest of India", countries=["IN"], priority=20)
    shipping.set_rate(zone=local, currency="INR", service="standard", amount=4900)
    shipping.set_rate(
        zone=india, currency="INR", service="standard", free_above=149900, days_min=3,
        days_max=5,
        slabs=[{"max_grams": 500, "amount": 7900}, {"max_grams": 2000, "amount": 12900}],
    )  # fmt: skip
    shipping.set_rate(
        zone=india, currency="INR", service="express", amount=19900, days_min=1, days_max=2
    )
    return local, india


@pytest.fixture
def kurta(db):
    variant = make_variant(price="999.00", stock=50)
    Variant.objects.filter(pk=variant.pk).update(weight_grams=400)
    return variant


def _checkout(api, variant, quantity=1, **body):
    token = fill_cart(api, variant, quantity)
    return api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body(**body))


def test_without_zones_no_shipping_is_charged(store_api, kurta):
    reply = _checkout(store_api, kurta)
    assert reply.status_code == 201
    assert reply.json()["shipping"]["amount"] == 0 and reply.json()["shipping_method"] is None


def test_the_cheapest_option_is_charged_and_stored(store_api, zones, kurta):
    reply = _checkout(store_api, kurta)
    assert reply.status_code == 201, reply.json()
    body = reply.json()
    assert body["shipping"]["formatted"] == "₹79.00"  # the 500 g slab
    assert body["total"]["amount"] == body["subtotal"]["amount"] + 7900 + (
        body["amounts"]["cod_fee"]["amount"] if "cod_fee" in body["amounts"] else 0
    )
    method = body["shipping_method"]
    assert (
        method["service"] == "standard" and method["label"] == "Standard delivery · Rest of India"
    )
    order = Order.objects.get(token=body["token"])
    assert order.shipping_amount == 7900 and order.delivery_earliest and order.delivery_latest
    assert (order.delivery_latest - order.delivery_earliest).days >= 2


def test_order_page_names_the_shipping_chosen(store_api, zones, kurta, staff_client):
    order = Order.objects.get(token=_checkout(store_api, kurta).json()["token"])
    page = staff_client("support").get(f"/dashboard/orders/{order.number}/").content.decode()
    by = f"{order.delivery_latest:%-d %b %Y}"
    assert f"· Standard delivery · Rest of India, delivery by {by}</span>" in page


def test_express_and_free_above(store_api, zones, kurta):
    express = _checkout(store_api, kurta, shipping_service="express").json()
    assert express["shipping"]["amount"] == 19900
    assert express["shipping_method"]["service"] == "express"
    free = _checkout(store_api, kurta, quantity=2).json()  # ₹1,998.00: free above ₹1,499.00
    assert free["shipping"]["amount"] == 0


def test_option_not_offered_is_422(store_api, zones, kurta):
    local = {**checkout_body()["shipping_address"], "state": "Rajasthan", "postal_code": "302001"}
    reply = _checkout(store_api, kurta, shipping_address=local, shipping_service="express")
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == "no_shipping_option" and error["details"]["field"] == "shipping_service"
    assert error["details"]["available"] == ["standard"]
    assert not Order.objects.exists()


def test_unserviceable_pin_is_422(store_api, zones, kurta):
    ServiceablePin.objects.create(pin="302001")
    reply = _checkout(store_api, kurta)  # to 560025
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == "unserviceable_pin"
    assert error["details"]["field"] == "shipping_address.postal_code"
    assert not Order.objects.exists()


def test_cod_refused_where_the_zone_has_none(store_api, zones, kurta):
    shipping.update_zone(zone=zones[1], cod_allowed=False)
    reply = _checkout(store_api, kurta, payment_type="cod")
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "payment_type_unavailable"
    assert "Cash on delivery is not offered" in reply.json()["error"]["message"]
    assert _checkout(store_api, kurta, payment_type="prepaid").status_code == 201


def test_cod_refused_for_a_prepaid_only_pin(store_api, zones, kurta):
    ServiceablePin.objects.create(pin="560025", cod=False)
    assert _checkout(store_api, kurta, payment_type="cod").status_code == 422


def test_cart_lists_its_shipping_options(store_api, zones, kurta):
    token = fill_cart(store_api, kurta)
    reply = store_api.get(
        f"/api/v1/store/carts/{token}/shipping-options",
        {"state": "KA", "country": "IN", "postal_code": "560025"},
    )
    assert reply.status_code == 200, reply.json()
    options = reply.json()["options"]
    assert [(o["service"], o["price"]["amount"]) for o in options] == [
        ("standard", 7900),
        ("express", 19900),
    ]
    assert options[0]["estimated_delivery_earliest"] <= options[0]["estimated_delivery_latest"]
    paying = store_api.get(
        f"/api/v1/store/carts/{token}/payment-options",
        {"state": "KA", "country": "IN", "postal_code": "560025", "shipping_service": "express"},
    ).json()
    prepaid = next(o for o in paying["options"] if o["type"] == "prepaid")
    assert prepaid["total"]["amount"] == 99900 + 19900
    ServiceablePin.objects.create(pin="110001")
    refused = store_api.get(
        f"/api/v1/store/carts/{token}/shipping-options", {"postal_code": "560025"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "postal_code"


def test_cart_without_zones_has_no_options(store_api, kurta):
    token = fill_cart(store_api, kurta)
    reply = store_api.get(f"/api/v1/store/carts/{token}/shipping-options", {"state": "KA"})
    assert reply.status_code == 200 and reply.json()["options"] == []


def _statements(api, variant) -> int:
    token = fill_cart(api, variant)
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body()).status_code == 201
    return len(ctx.captured_queries)


def test_zones_cost_no_statement_per_checkout(store_api, currencies, kurta):
    for _ in range(2):  # warm the per-process copies (see test_checkout_queries)
        _statements(store_api, kurta)
    without = _statements(store_api, kurta)
    _make_zones(currencies)  # writes move the settings stamp
    for _ in range(2):
        _statements(store_api, kurta)
    assert _statements(store_api, kurta) == without
    ServiceablePin.objects.create(pin="560025")
    for _ in range(2):
        _statements(store_api, kurta)
    assert _statements(store_api, kurta) == without + 1  # the PIN's row
