"""The storefront's stock state agrees with checkout, and selling beyond stock.

Every state the product list and detail show is tried against a real checkout: the
variant's `max_quantity` is accepted, one more is refused (409 `out_of_stock`), and an
unpurchasable variant is refused outright. Backorders are recorded in their own ledger
and given back on cancellation and expiry; `verify_stock_ledger` stays clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from haat.inventory import backorders
from haat.inventory.holds import release_expired_holds
from haat.inventory.models import BackorderMovement, BackorderPolicy, StockHold, StockLevel
from haat.orders.lifecycle import cancel
from haat.orders.models import Order, OrderLine
from tests.checkout.helpers import checkout_body, make_variant

pytestmark = pytest.mark.django_db
STORE = "/api/v1/store"


def buy(api, variant, quantity, **body):
    lines = [{"variant_id": variant.pk, "quantity": quantity}]
    return api.post(f"{STORE}/checkout", checkout_body(lines=lines, **body))


def committed(variant) -> int:
    return BackorderPolicy.objects.get(variant=variant).committed


def ledger(variant) -> int:
    return sum(BackorderMovement.objects.filter(variant=variant).values_list("quantity", flat=True))


@pytest.fixture
def shelf(settings, warehouse):
    """One variant per state, keyed by the state the storefront should show."""
    settings.HAAT_ONLY_N_LEFT = 5
    release = timezone.localdate() + timedelta(days=40)
    made = {
        "in_stock": make_variant(stock=20, location=warehouse, title="Plenty"),
        "low_stock": make_variant(stock=2, location=warehouse, title="Few"),
        "out_of_stock": make_variant(title="Sold out", availability="ships_2_3_days"),
        "pre_order": make_variant(title="Coming soon"),
        "backorder": make_variant(title="Made to order"),
        "unavailable": make_variant(stock=5, location=warehouse, availability="unavailable"),
    }
    backorders.set_policy(
        variant_id=made["pre_order"].pk, mode="pre_order", cap=3, ships_on=release
    )
    backorders.set_policy(
        variant_id=made["backorder"].pk, mode="backorder", cap=4, ships_in_days=10
    )
    return made


def test_every_state_shown_is_what_checkout_accepts(store_api, shelf):
    detail = {}
    for status, variant in shelf.items():
        body = store_api.get(f"{STORE}/products/{variant.product.slug}").json()
        detail[status] = body["variants"][0]["stock"]
        assert body["stock"]["status"] == status, (status, body["stock"])
    assert detail["in_stock"]["message"] == "In stock"
    assert detail["low_stock"]["message"] == "Only 2 left"
    assert detail["pre_order"]["message"].startswith("Pre-order: ships by ")
    assert (
        detail["pre_order"]["ships_on"] == (timezone.localdate() + timedelta(days=40)).isoformat()
    )
    assert detail["backorder"] == {
        "status": "backorder",
        "message": "Ships in 10 days",
        "available": 0,
        "max_quantity": 4,
        "ships_on": None,
        "ships_in_days": 10,
        "purchasable": True,
    }
    # The merchant's tag is kept apart from stock.
    sold_out = store_api.get(f"{STORE}/products/{shelf['out_of_stock'].product.slug}").json()
    assert sold_out["availability"] == "ships_2_3_days"
    assert sold_out["stock"]["status"] == "out_of_stock"

    for status, variant in shelf.items():
        most = detail[status]["max_quantity"]
        over = buy(store_api, variant, most + 1)
        assert over.status_code == 409, (status, over.content)
        if not detail[status]["purchasable"]:
            continue
        r = buy(store_api, variant, most)
        assert r.status_code == 201, (status, r.content)
        after = store_api.get(f"{STORE}/variants/availability", {"ids": str(variant.pk)}).json()
        assert after[0]["max_quantity"] == 0 and not after[0]["purchasable"], status
    call_command("verify_stock_ledger")


def test_list_carries_stock_in_a_constant_number_of_queries(
    store_api, shelf, django_assert_num_queries
):
    store_api.get(f"{STORE}/products")  # the key is looked up once, then cached
    # currency, count, page, images, categories, 2 for compare-at, the page's stock states
    with django_assert_num_queries(8):
        assert store_api.get(f"{STORE}/products", {"page_size": 1}).status_code == 200
    with django_assert_num_queries(8):
        body = store_api.get(f"{STORE}/products", {"page_size": 50}).json()
    states = {item["title"]: item["stock"]["status"] for item in body["items"]}
    assert states["Plenty"] == "in_stock" and states["Few"] == "low_stock"
    assert states["Coming soon"] == "pre_order" and states["Sold out"] == "out_of_stock"


def test_shelf_first_then_beyond_stock_on_the_order(store_api, warehouse, staff_client):
    variant = make_variant(stock=2, location=warehouse)
    backorders.set_policy(variant_id=variant.pk, mode="backorder", cap=5, ships_in_days=7)
    r = buy(store_api, variant, 5)
    assert r.status_code == 201, r.content
    (line,) = r.json()["lines"]
    promised = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert (line["quantity"], line["backordered"], line["ships_on"]) == (5, 3, promised)
    order = Order.objects.get(token=r.json()["token"])
    stored = OrderLine.objects.get(order=order)
    assert (stored.backordered, stored.ships_on.isoformat()) == (3, promised)
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (0, 0)  # never negative: 3 units are beyond
    assert committed(variant) == ledger(variant) == 3
    row = BackorderMovement.objects.get(variant=variant)
    assert (row.reason, row.reference) == ("backorder", order.number)
    shown = store_api.get(f"{STORE}/orders/{order.token}").json()
    assert shown["lines"][0]["backordered"] == 3
    page = staff_client("support").get(f"/dashboard/orders/{order.number}/").content.decode()
    promised_text = f"{timezone.localdate() + timedelta(days=7):%-d %b %Y}"
    assert f"3 of 5 beyond stock · ships {promised_text}" in page
    # Cancelling the confirmed (COD) order gives the allowance back.
    cancel(order=order, reason="Changed my mind")
    assert committed(variant) == ledger(variant) == 0
    assert BackorderMovement.objects.filter(variant=variant, reason="cancellation").count() == 1
    assert StockLevel.objects.get(variant=variant).on_hand == 2
    call_command("verify_stock_ledger")


def test_prepaid_holds_beyond_stock_and_expiry_gives_it_back(store_api, warehouse, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    variant = make_variant()
    backorders.set_policy(
        variant_id=variant.pk,
        mode="pre_order",
        cap=2,
        ships_on=timezone.localdate() + timedelta(days=30),
    )
    r = buy(store_api, variant, 2, payment_type="prepaid")
    assert r.status_code == 201, r.content
    hold = StockHold.objects.get(variant=variant)
    assert hold.location_id is None and hold.status == "active"
    assert committed(variant) == 2
    assert buy(store_api, variant, 1).json()["error"]["code"] == "out_of_stock"
    assert release_expired_holds(now=timezone.now() + timedelta(days=1)) == 1
    assert committed(variant) == ledger(variant) == 0
    assert BackorderMovement.objects.filter(variant=variant, reason="expired").exists()
    assert buy(store_api, variant, 2).status_code == 201
    call_command("verify_stock_ledger")


def test_cancelling_an_order_waiting_for_payment_releases_its_backorder(store_api, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    variant = make_variant()
    backorders.set_policy(variant_id=variant.pk, mode="backorder", cap=3, ships_in_days=5)
    r = buy(store_api, variant, 3, payment_type="prepaid")
    order = Order.objects.get(token=r.json()["token"])
    cancel(order=order, reason="Payment not completed in time")
    assert committed(variant) == ledger(variant) == 0
    assert StockHold.objects.get(variant=variant).status == "released"
    assert BackorderMovement.objects.filter(variant=variant, reason="cancellation").exists()


def test_a_cart_line_says_whether_checkout_will_take_it(store_api):
    variant = make_variant()
    backorders.set_policy(variant_id=variant.pk, mode="backorder", cap=2, ships_in_days=3)
    token = store_api.post(f"{STORE}/carts", {}).json()["token"]
    r = store_api.post(f"{STORE}/carts/{token}/lines", {"variant_id": variant.pk, "quantity": 3})
    availability = r.json()["lines"][0]["availability"]
    assert availability["status"] == "backorder" and availability["max_quantity"] == 2
    assert availability["enough"] is False
    assert store_api.post(f"{STORE}/carts/{token}/checkout", checkout_body()).status_code == 409
    store_api.patch(f"{STORE}/carts/{token}/lines/{r.json()['lines'][0]['id']}", {"quantity": 2})
    assert store_api.post(f"{STORE}/carts/{token}/checkout", checkout_body()).status_code == 201
