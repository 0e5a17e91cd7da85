""" "Buy now": `POST /store/carts` with `lines` creates the cart with its lines in one
request, validated exactly like adding a line, all or nothing; the cart then checks out."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.catalog import services as catalog
from haat.checkout.models import MAX_CART_LINES, Cart, CartLine
from haat.orders.models import Order
from tests.checkout.helpers import available, checkout_body, make_variant

pytestmark = pytest.mark.django_db
BASE = "/api/v1/store/carts"


def test_buy_now_creates_the_cart_with_its_lines_and_checks_out(store_api, warehouse):
    a = make_variant(price="1299.50", stock=3)
    b = make_variant(price="500.00", stock=10)
    r = store_api.post(
        BASE,
        {"lines": [{"variant_id": a.pk, "quantity": 2}, {"variant_id": b.pk, "quantity": 1}]},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [(a.sku, 2), (b.sku, 1)]
    first = body["lines"][0]
    assert first["unit_price"] == {"amount": 129950, "currency": "INR", "formatted": "₹1,299.50"}
    assert first["price_changed"] is False
    assert first["availability"]["status"] == "low_stock" and first["availability"]["enough"]
    assert body["item_count"] == 3 and body["total"]["amount"] == 2 * 129950 + 50000
    assert [line["id"] for line in body["lines"]] == list(
        CartLine.objects.filter(cart__token=body["token"])
        .order_by("id")
        .values_list("id", flat=True)
    )
    # The same cart as GET shows it, and it checks out like any other.
    assert store_api.get(f"{BASE}/{body['token']}").json()["lines"] == body["lines"]
    r = store_api.post(f"{BASE}/{body['token']}/checkout", checkout_body())
    assert r.status_code == 201, r.content
    order = Order.objects.get(token=r.json()["token"])
    assert sorted(order.lines.values_list("sku", "quantity")) == sorted([(a.sku, 2), (b.sku, 1)])
    assert available(a) == 1 and available(b) == 9


def test_same_variant_twice_adds_up(store_api, warehouse):
    v = make_variant(stock=10)
    line = {"variant_id": v.pk, "quantity": 2}
    r = store_api.post(BASE, {"lines": [line, line]})
    assert r.status_code == 201
    assert [x["quantity"] for x in r.json()["lines"]] == [4]


def test_buy_now_in_another_currency_uses_that_price(store_api, currencies, warehouse):
    currencies("USD")
    v = make_variant(price="999.00", currency_prices={"USD": "12.00"}, stock=5)
    r = store_api.post(BASE, {"currency": "USD", "lines": [{"variant_id": v.pk, "quantity": 1}]})
    assert r.status_code == 201
    assert r.json()["lines"][0]["unit_price"]["amount"] == 1200
    assert CartLine.objects.get().unit_amount == 1200


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 1001, None])
def test_bad_quantity_creates_nothing(store_api, warehouse, quantity):
    v = make_variant(stock=5)
    lines = [{"variant_id": v.pk, "quantity": 1}, {"variant_id": v.pk, "quantity": quantity}]
    r = store_api.post(BASE, {"lines": lines})
    assert r.status_code == 422, r.content
    assert "quantity" in r.content.decode()
    assert Cart.objects.count() == 0 and CartLine.objects.count() == 0


def test_total_over_the_line_limit_names_the_line(store_api, warehouse):
    v = make_variant(stock=5)
    line = {"variant_id": v.pk, "quantity": 600}
    r = store_api.post(BASE, {"lines": [line, line]})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_quantity"
    assert r.json()["error"]["details"]["field"] == "lines[1].quantity"
    assert Cart.objects.count() == 0


def test_unknown_inactive_and_unpriced_variants_create_nothing(store_api, currencies, warehouse):
    currencies("USD")
    good = make_variant(stock=5, currency_prices={"USD": "10.00"})
    draft = make_variant(stock=5, status="draft", currency_prices={"USD": "10.00"})
    off = make_variant(stock=5, currency_prices={"USD": "10.00"})
    catalog.update_variant(variant=off, is_active=False)
    inr_only = make_variant(stock=5)
    for variant_id, currency, code in [
        (999_999, "INR", "unknown_variant"),
        (draft.pk, "INR", "inactive_variant"),
        (off.pk, "INR", "inactive_variant"),
        (inr_only.pk, "USD", "no_price_in_currency"),
    ]:
        lines = [{"variant_id": good.pk, "quantity": 1}, {"variant_id": variant_id, "quantity": 1}]
        r = store_api.post(BASE, {"currency": currency, "lines": lines})
        assert r.status_code == 422, r.content
        assert r.json()["error"]["code"] == code
        assert r.json()["error"]["details"]["field"] == "lines[1].variant_id"
    r = store_api.post(BASE, {"lines": [{"variant_id": "7", "quantity": 1}]})
    assert r.status_code == 422 and "variant_id" in r.content.decode()
    assert Cart.objects.count() == 0 and CartLine.objects.count() == 0


def test_too_many_lines_creates_nothing(store_api, warehouse):
    v = make_variant(stock=5)
    lines = [{"variant_id": v.pk, "quantity": 1}] * (MAX_CART_LINES + 1)
    r = store_api.post(BASE, {"lines": lines})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "too_many_lines"
    assert Cart.objects.count() == 0


def test_buy_now_costs_a_constant_number_of_queries(store_api, warehouse):
    variants = [make_variant(stock=5) for _ in range(5)]
    store_api.post(BASE, {"lines": [{"variant_id": variants[0].pk, "quantity": 1}]})  # warm

    def count(vs):
        with CaptureQueriesContext(connection) as ctx:
            r = store_api.post(BASE, {"lines": [{"variant_id": v.pk, "quantity": 1} for v in vs]})
        assert r.status_code == 201
        return len(ctx.captured_queries)

    one, five = count(variants[:1]), count(variants)
    # currency, variants with prices, (BEGIN), INSERT cart, INSERT lines, (COMMIT),
    # availability (2): fewer than creating a cart and adding a line (2 + 10).
    assert one == five <= 8, (one, five)
