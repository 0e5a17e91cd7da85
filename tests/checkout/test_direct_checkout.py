"""`POST /store/checkout`: an order for `lines` in one request, without a cart. Same rules
and reply as a cart's checkout; refusals change nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.catalog.variants import update_variant
from haat.checkout.models import Cart
from haat.core.models import AuditLogEntry
from haat.inventory.models import StockHold, StockMovement
from haat.orders.models import Order, OrderLine
from tests.checkout.helpers import available, checkout_body, ledger_sum, make_variant, on_hand

pytestmark = pytest.mark.django_db
URL = "/api/v1/store/checkout"


def buy(api, lines, headers=None, **body):
    return api.post(URL, {**checkout_body(**body), "lines": lines}, headers=headers or {})


def test_one_request_places_a_cod_order_and_sells_the_stock(store_api, warehouse):
    a = make_variant(price="1299.50", stock=3)
    b = make_variant(price="500.00", stock=10)
    r = buy(
        store_api,
        [
            {"variant_id": a.pk, "quantity": 2, "expected_unit_amount": 129950},
            {"variant_id": b.pk, "quantity": 1},
        ],
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "confirmed" and body["payment_type"] == "cod"
    assert body["total"]["amount"] == 2 * 129950 + 50000
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [(a.sku, 2), (b.sku, 1)]
    order = Order.objects.get(token=body["token"])
    assert order.number == body["number"] and order.amount_due_on_delivery == order.total_amount
    assert sorted(OrderLine.objects.values_list("sku", "quantity")) == sorted(
        [(a.sku, 2), (b.sku, 1)]
    )
    assert (on_hand(a), ledger_sum(a), available(a)) == (1, 1, 1)
    assert StockMovement.objects.filter(reason="sale", reference=order.number).count() == 2
    assert not StockHold.objects.exists() and not Cart.objects.exists()
    # The customer's link shows it like any order.
    assert store_api.get(f"/api/v1/store/orders/{order.token}").status_code == 200


def test_prepaid_holds_the_stock_for_the_order(store_api, warehouse, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    v = make_variant(stock=5)
    r = buy(store_api, [{"variant_id": v.pk, "quantity": 2}], payment_type="prepaid")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "pending_payment" and r.json()["payment"]["redirect_url"]
    order = Order.objects.get(token=r.json()["token"])
    hold = StockHold.objects.get()
    assert (hold.owner_type, hold.owner_id, hold.quantity) == ("order", str(order.pk), 2)
    assert available(v) == 3 and on_hand(v) == 5


def test_a_changed_price_is_refused_and_nothing_is_ordered(store_api, warehouse):
    v = make_variant(price="999.00", stock=5)
    r = buy(store_api, [{"variant_id": v.pk, "quantity": 1, "expected_unit_amount": 89900}])
    assert r.status_code == 409, r.content
    error = r.json()["error"]
    assert error["code"] == "price_changed"
    assert error["details"]["price_changes"] == [
        {
            "sku": v.sku,
            "old": {"amount": 89900, "currency": "INR", "formatted": "₹899.00"},
            "new": {"amount": 99900, "currency": "INR", "formatted": "₹999.00"},
        }
    ]
    assert not Order.objects.exists() and available(v) == 5


def test_sold_out_lines_are_named_and_nothing_changes(store_api, warehouse):
    a = make_variant(stock=1, sku="A-1")
    b = make_variant(stock=5, sku="B-1")
    r = buy(store_api, [{"variant_id": a.pk, "quantity": 2}, {"variant_id": b.pk, "quantity": 1}])
    assert r.status_code == 409
    assert r.json()["error"]["details"]["lines"] == [
        {"variant_id": a.pk, "sku": "A-1", "requested": 2, "available": 1}
    ]
    assert not Order.objects.exists()
    assert (available(a), available(b)) == (1, 5)


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([{"variant_id": 1, "quantity": 0}], "lines[0].quantity"),
        ([{"variant_id": 1, "quantity": 1001}], "lines[0].quantity"),
        ([{"variant_id": 999_999, "quantity": 1}], "lines[0].variant_id"),
    ],
)
def test_bad_lines_get_a_clear_error(store_api, warehouse, lines, field):
    make_variant(stock=5)
    r = buy(store_api, lines)
    assert r.status_code == 422, r.content
    assert r.json()["error"]["details"]["field"] == field
    assert not Order.objects.exists()


def test_wrong_types_are_refused_not_coerced(store_api, warehouse):
    v = make_variant(stock=5)
    for line in (
        {"variant_id": v.pk, "quantity": "1"},
        {"variant_id": v.pk, "quantity": 1.5},
        {"variant_id": v.pk, "quantity": 1, "expected_unit_amount": "899"},
    ):
        assert buy(store_api, [line]).status_code == 422, line
    assert not Order.objects.exists()


def test_inactive_unpriced_and_disabled_currency_are_refused(store_api, warehouse):
    v = make_variant(stock=5)
    update_variant(variant=v, is_active=False)
    r = buy(store_api, [{"variant_id": v.pk, "quantity": 1}])
    assert r.json()["error"]["code"] == "inactive_variant"
    w = make_variant(stock=5)
    r = buy(store_api, [{"variant_id": w.pk, "quantity": 1}], currency="USD")
    assert r.json()["error"]["code"] in ("currency_disabled", "no_price_in_currency")
    r = buy(store_api, [{"variant_id": w.pk, "quantity": 1}], currency="XYZ")
    assert r.json()["error"]["code"] == "unknown_currency"
    assert not Order.objects.exists()


def test_same_idempotency_key_replays_the_first_reply(store_api, warehouse):
    v = make_variant(stock=2)
    lines = [{"variant_id": v.pk, "quantity": 1}]
    first = buy(store_api, lines, headers={"Idempotency-Key": "drop-1"})
    again = buy(store_api, lines, headers={"Idempotency-Key": "drop-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1 and available(v) == 1
    other = buy(store_api, lines, headers={"Idempotency-Key": "drop-1"}, name="Someone Else")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_unavailable_payment_type_is_refused_and_recorded(store_api, warehouse, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = False  # no gateway for INR: no prepaid
    v = make_variant(stock=2)
    r = buy(store_api, [{"variant_id": v.pk, "quantity": 1}], payment_type="prepaid")
    assert r.status_code == 422 and r.json()["error"]["code"] == "payment_type_unavailable"
    entry = AuditLogEntry.objects.get(action="checkout.refused")
    assert entry.object_type == "checkout.buy_now"
    assert entry.changes["code"] == "payment_type_unavailable"
    assert entry.changes["payment_type"] == "prepaid"
    assert not Order.objects.exists() and available(v) == 2


def test_needs_a_publishable_key(client, warehouse):
    v = make_variant(stock=2)
    r = client.post(
        URL,
        {**checkout_body(), "lines": [{"variant_id": v.pk, "quantity": 1}]},
        content_type="application/json",
    )
    assert r.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_statement_budget(store_api, warehouse):
    """One read (variants, prices, stock), then the order's transaction: about as many
    statements as a cart's checkout, and no cart."""
    v = make_variant(stock=50)
    buy(store_api, [{"variant_id": v.pk, "quantity": 1}])
    # The first checkout writes the default payment settings, which moves the settings
    # stamp: the per-process copies read before it (store details, tax) reload once.
    buy(store_api, [{"variant_id": v.pk, "quantity": 1}], email="second@example.in")
    with CaptureQueriesContext(connection) as ctx:
        r = buy(store_api, [{"variant_id": v.pk, "quantity": 1}], email="other@example.in")
    assert r.status_code == 201
    assert len(ctx.captured_queries) <= 14, [q["sql"][:80] for q in ctx.captured_queries]
