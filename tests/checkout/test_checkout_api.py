"""Checkout through the storefront API: COD orders, stock movement, conflicts, bad input."""

from __future__ import annotations

import pytest

from haat.catalog.pricing import PriceInput, set_variant_prices
from haat.checkout.models import Cart, CartLine
from haat.core.models import OutboxEvent
from haat.core.money import Money
from haat.customers.models import Address, Customer
from haat.inventory.models import StockHold, StockMovement
from haat.orders.models import Order, OrderLine
from tests.checkout.helpers import (
    ADDRESS,
    available,
    checkout_body,
    fill_cart,
    ledger_sum,
    make_variant,
    on_hand,
)

pytestmark = pytest.mark.django_db


def checkout(api, token, body=None, **headers):
    return api.post(
        f"/api/v1/store/carts/{token}/checkout", body or checkout_body(), headers=headers
    )


def nothing_changed(variant, stock: int) -> None:
    assert Order.objects.count() == 0
    assert StockHold.objects.filter(status="active").count() == 0
    assert available(variant) == on_hand(variant) == stock


def test_cod_checkout_confirms_order_and_sells_stock(store_api, warehouse):
    v = make_variant(price="1299.00", stock=10)
    token = fill_cart(store_api, v, 3)
    r = checkout(store_api, token)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].startswith("HT-1") and len(body["number"]) == 8
    assert body["status"] == "confirmed" and body["payment_type"] == "cod"
    assert body["total"] == {"amount": 389700, "currency": "INR", "formatted": "₹3,897.00"}
    assert body["billing_address"] == body["shipping_address"]
    assert body["shipping_address"]["phone"] == "+919845012345"
    order = Order.objects.get(token=body["token"])
    assert order.number == body["number"] and order.email == "meera@example.in"
    assert list(OrderLine.objects.values_list("sku", "quantity", "unit_amount")) == [
        (v.sku, 3, 129900)
    ]
    # Stock moved: sold, not just reserved; the ledger agrees.
    assert on_hand(v) == 7 and available(v) == 7 and ledger_sum(v) == 7
    sale = StockMovement.objects.get(variant=v, reason="sale")
    assert sale.quantity == -3 and sale.reference == order.number
    assert not StockHold.objects.exists()  # COD sells at once: nothing was ever held
    events = set(
        OutboxEvent.objects.filter(aggregate_id=str(order.pk)).values_list("event_type", flat=True)
    )
    assert {"order.placed", "order.confirmed"} <= events
    cart = Cart.objects.get(token=token)
    assert cart.completed_at is not None and cart.order_id == order.pk
    # The customer and the address are saved once.
    customer = Customer.objects.get()
    assert (customer.email, customer.phone, customer.name) == (
        "meera@example.in",
        "+919845012345",
        "Meera Iyer",
    )
    assert Address.objects.filter(customer=customer).count() == 1
    # The customer's link shows the order.
    mine = store_api.get(f"/api/v1/store/orders/{order.token}")
    assert mine.status_code == 200 and mine.json()["number"] == order.number
    assert store_api.get("/api/v1/store/orders/not-a-token").status_code == 404


def test_completed_cart_cannot_be_changed_or_checked_out_again(store_api, warehouse):
    v = make_variant(stock=10)
    token = fill_cart(store_api, v, 1)
    assert checkout(store_api, token).status_code == 201
    r = checkout(store_api, token)
    assert r.status_code == 409 and r.json()["error"]["code"] == "cart_completed"
    r = store_api.post(f"/api/v1/store/carts/{token}/lines", {"variant_id": v.pk, "quantity": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "cart_completed"
    assert Order.objects.count() == 1 and on_hand(v) == 9
    assert store_api.get(f"/api/v1/store/carts/{token}").json()["completed"] is True


def test_out_of_stock_names_every_short_line_and_holds_nothing(store_api, warehouse):
    plenty, short, none = make_variant(stock=10), make_variant(stock=2), make_variant()
    token = fill_cart(store_api, plenty, 1)
    for v, q in [(short, 3), (none, 1)]:
        store_api.post(f"/api/v1/store/carts/{token}/lines", {"variant_id": v.pk, "quantity": q})
    r = checkout(store_api, token)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "out_of_stock"
    lines = {
        line["sku"]: (line["requested"], line["available"]) for line in err["details"]["lines"]
    }
    assert lines == {short.sku: (3, 2), none.sku: (1, 0)}
    assert Order.objects.count() == 0 and Customer.objects.count() == 0
    assert StockHold.objects.count() == 0
    assert available(plenty) == 10 and available(short) == 2
    assert Cart.objects.get(token=token).completed_at is None


def test_changed_price_is_reported_then_second_submit_succeeds(store_api, warehouse):
    v = make_variant(price="500.00", stock=5)
    token = fill_cart(store_api, v, 2)
    set_variant_prices(variant=v, prices=[PriceInput(Money.from_decimal("450.00", "INR"))])
    r = checkout(store_api, token)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "price_changed"
    assert err["details"]["price_changes"] == [
        {
            "sku": v.sku,
            "old": {"amount": 50000, "currency": "INR", "formatted": "₹500.00"},
            "new": {"amount": 45000, "currency": "INR", "formatted": "₹450.00"},
        }
    ]
    nothing_changed(v, 5)
    assert CartLine.objects.get(cart__token=token).unit_amount == 45000
    r = checkout(store_api, token)
    assert r.status_code == 201
    assert r.json()["total"]["amount"] == 90000


@pytest.mark.parametrize("payment_type", ["card", "upi", ""])
def test_only_cod_is_accepted(store_api, warehouse, payment_type):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    r = checkout(store_api, token, checkout_body(payment_type=payment_type))
    assert r.status_code == 422
    assert r.json()["error"]["details"]["field"] == "payment_type"
    if payment_type:
        assert r.json()["error"]["code"] == "payment_type_unavailable"
    nothing_changed(v, 5)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12345"}, "phone"),
        (
            {"shipping_address": {**ADDRESS, "postal_code": "056002"}},
            "shipping_address.postal_code",
        ),
        ({"shipping_address": {**ADDRESS, "postal_code": "5600"}}, "shipping_address.postal_code"),
        ({"shipping_address": {**ADDRESS, "state": "Atlantis"}}, "shipping_address.state"),
        ({"shipping_address": {**ADDRESS, "country": "ZZ"}}, "shipping_address.country"),
        ({"shipping_address": {**ADDRESS, "city": "  "}}, "shipping_address.city"),
        ({"billing_address": {**ADDRESS, "postal_code": "abc"}}, "billing_address.postal_code"),
    ],
)
def test_bad_contact_or_address_changes_nothing(store_api, warehouse, override, field):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    r = checkout(store_api, token, checkout_body(**override))
    assert r.status_code == 422, r.content
    assert r.json()["error"]["details"]["field"] == field
    nothing_changed(v, 5)
    assert Customer.objects.count() == 0


def test_international_address_with_country(store_api, warehouse):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    london = {
        "name": "Ann Lee",
        "line1": "1 Baker St",
        "city": "London",
        "postal_code": "NW1 6XE",
        "country": "gb",
        "phone": "+44 20 7946 0958",
    }
    r = checkout(store_api, token, checkout_body(shipping_address=london))
    assert r.status_code == 201, r.content
    ship = r.json()["shipping_address"]
    assert ship["country"] == "GB" and ship["state"] == "" and ship["phone"] == "+442079460958"


def test_empty_cart_and_unknown_token(store_api):
    token = store_api.post("/api/v1/store/carts", {}).json()["token"]
    r = checkout(store_api, token)
    assert r.status_code == 422 and r.json()["error"]["code"] == "cart_empty"
    r = checkout(store_api, "no-such-cart")
    assert r.status_code == 404
    assert Order.objects.count() == 0


def test_temporarily_unavailable_product_cannot_be_bought_anywhere(store_api, warehouse):
    """The storefront says `purchasable: false` for a product the merchant marked
    "temporarily unavailable" while it has stock: adding it, buying it now and checking
    out a cart that already holds it are each a 409 naming the line, changing nothing."""
    from haat.catalog.services import update_product

    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    update_product(product=v.product, availability="unavailable")
    shown = store_api.get("/api/v1/store/variants/availability", {"ids": str(v.pk)}).json()
    assert shown[0]["purchasable"] is False
    r = checkout(store_api, token)
    assert r.status_code == 409, r.content
    error = r.json()["error"]
    assert error["code"] == "not_purchasable"
    assert error["details"]["lines"] == [{"variant_id": v.pk, "sku": v.sku}]
    nothing_changed(v, 5)
    r = store_api.post(f"/api/v1/store/carts/{token}/lines", {"variant_id": v.pk, "quantity": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_purchasable"
    r = store_api.post(
        "/api/v1/store/checkout",
        checkout_body(lines=[{"variant_id": v.pk, "quantity": 1}]),
    )
    assert r.status_code == 409 and r.json()["error"]["details"]["field"] == "lines[0].variant_id"
    nothing_changed(v, 5)
    assert CartLine.objects.get().quantity == 1


def test_inactive_product_in_cart_is_refused_at_checkout(store_api, warehouse):
    from haat.catalog.services import update_product

    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    update_product(product=v.product, status="archived")
    r = checkout(store_api, token)
    assert r.status_code == 422 and r.json()["error"]["code"] == "inactive_variant"
    nothing_changed(v, 5)
