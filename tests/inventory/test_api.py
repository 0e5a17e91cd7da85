"""Admin and storefront inventory API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haat.inventory.holds import HoldRequest, place_holds
from haat.inventory.models import BackInStockSubscription, StockLevel, StockMovement
from tests.inventory.conftest import make_location, make_variant, receive

pytestmark = pytest.mark.django_db
A = "/api/v1/admin/"


def test_locations_crud_and_permissions(admin_api):
    owner, support = admin_api("owner"), admin_api("support")
    r = owner.post(A + "locations", {"name": "Main", "code": "main", "priority": 1})
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert support.post(A + "locations", {"name": "X", "code": "x"}).status_code == 403
    assert support.get(A + "locations").json()["count"] == 1
    r = owner.post(A + "locations", {"name": "Dup", "code": "main"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "duplicate_code")
    r = owner.patch(A + f"locations/{pk}", {"priority": 5, "is_active": False})
    assert r.json()["priority"] == 5 and r.json()["is_active"] is False
    one = support.get(A + f"locations/{pk}").json()
    assert (one["code"], one["priority"], one["is_active"]) == ("main", 5, False)
    assert owner.post(A + "locations", {"name": "Y", "code": "y", "extra": 1}).status_code == 422
    assert owner.delete(A + f"locations/{pk}").status_code == 204


def test_receive_adjust_transfer_and_bad_input(admin_api):
    api = admin_api("owner")
    main, shop = make_location("main", 1), make_location("shop", 2)
    v = make_variant()
    body = {"variant_id": v.pk, "location_id": main.pk, "quantity": 10}
    r = api.post(A + "stock/receive", body)
    assert r.status_code == 200, r.json()
    assert r.json()["on_hand"] == 10
    for bad in (0, -1, "3", 2.5, 10**9):
        r = api.post(A + "stock/receive", {**body, "quantity": bad})
        assert r.status_code == 422, bad
    r = api.post(A + "stock/receive", {**body, "variant_id": 999999})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_variant"
    r = api.post(A + "stock/adjust", {**body, "quantity": -2, "reason": "adjustment", "note": ""})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "note"
    r = api.post(
        A + "stock/adjust", {**body, "quantity": -2, "reason": "adjustment", "note": "damaged"}
    )
    assert r.json()["on_hand"] == 8
    t = {"variant_id": v.pk, "from_location_id": main.pk, "to_location_id": shop.pk}
    r = api.post(A + "stock/transfer", {**t, "quantity": 50})
    assert r.status_code == 422 and r.json()["error"]["code"] == "insufficient_stock"
    r = api.post(A + "stock/transfer", {**t, "quantity": 3})
    levels = {lvl["location_code"]: lvl["on_hand"] for lvl in r.json()["locations"]}
    assert levels == {"main": 5, "shop": 3}
    assert admin_api("support").post(A + "stock/receive", body).status_code == 403
    moves = api.get(A + f"variants/{v.pk}/movements").json()
    assert [m["reason"] for m in moves["items"]][:2] in (
        ["transfer_in", "transfer_out"],
        ["transfer_out", "transfer_in"],
    )
    assert moves["count"] == 4


def test_stock_list_filters_and_constant_queries(admin_api):
    api = admin_api("owner")
    main, shop = make_location("main", 1), make_location("shop", 2)
    for i in range(3):
        v = make_variant(f"LOW-{i}")
        receive(v, main, 2)
    for i in range(8):
        v = make_variant(f"OK-{i}")
        receive(v, main, 20)
        receive(v, shop, 1)
    make_variant("NONE-1")
    api.get(A + "stock")  # warm up: the key's first use is recorded once
    with CaptureQueriesContext(connection) as small:
        r = api.get(A + "stock", {"page_size": 2})
    with CaptureQueriesContext(connection) as big:
        r = api.get(A + "stock", {"page_size": 50})
    assert r.json()["count"] == 12
    assert len(small) == len(big)
    assert {i["sku"] for i in api.get(A + "stock", {"state": "low"}).json()["items"]} == {
        "LOW-0",
        "LOW-1",
        "LOW-2",
    }
    assert [i["sku"] for i in api.get(A + "stock", {"state": "out"}).json()["items"]] == ["NONE-1"]
    assert api.get(A + "stock", {"location": shop.pk}).json()["count"] == 8
    assert api.get(A + "stock", {"q": "ok-3"}).json()["items"][0]["on_hand"] == 21
    assert api.get(A + "stock", {"state": "bogus"}).status_code == 422


def test_bulk_import_holds_threshold_and_report(admin_api):
    api = admin_api("owner")
    main = make_location("main", 1)
    v = make_variant("KURTA-M", cost=50000)
    r = api.post(A + "stock/bulk", {"rows": [{"sku": "KURTA-M", "location": "main", "on_hand": 4}]})
    assert r.status_code == 200 and r.json()["updated"] == 1
    r = api.post(A + "stock/bulk", {"rows": [{"sku": "NOPE", "location": "main", "on_hand": 4}]})
    assert r.status_code == 422 and r.json()["rows"][0]["message"] == "unknown SKU"
    upload = io.BytesIO(b"sku,location,on_hand\nKURTA-M,main,6\n")
    upload.name = "stock.csv"
    r = api.client.post(A + "stock/import", {"file": upload}, headers=api.headers)
    assert r.status_code == 200, r.content
    assert StockLevel.objects.get().on_hand == 6
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="cart", owner_id="t")
    holds = api.get(A + "holds").json()
    assert holds["items"][0]["sku"] == "KURTA-M" and holds["items"][0]["location_code"] == "main"
    r = api.put(A + f"variants/{v.pk}/low-stock-threshold", {"threshold": 10})
    assert r.json() == {"variant_id": v.pk, "threshold": 10, "is_default": False}
    assert api.get(A + f"variants/{v.pk}/stock").json()["state"] == "low"
    r = api.get(A + "stock/report.csv")
    lines = r.content.decode().splitlines()
    assert lines[0].startswith("sku,product,variant,location,on_hand,reserved,available")
    assert lines[1].split(",")[4:9] == ["6", "2", "4", "50000", "300000"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    StockMovement.objects.update(created_at=timezone.now() - timedelta(days=3))
    receive(v, main, 1)
    past = api.get(A + "stock/report.csv", {"date": yesterday}).content.decode().splitlines()
    assert "reserved" not in past[0]
    assert past[1].split(",")[4] == "6"
    assert api.get(A + "stock/report.csv", {"date": "2999-01-01"}).status_code == 422
    assert api.get(A + "stock/report.csv", {"date": "31/01/2024"}).status_code == 422


def test_storefront_availability_and_back_in_stock(store_api, settings):
    settings.HAAT_ONLY_N_LEFT = 5
    main = make_location("main")
    plenty, few, none = make_variant(), make_variant(), make_variant()
    ships = make_variant(availability="ships_4_7_days")
    draft = make_variant(status="draft")
    receive(plenty, main, 50)
    receive(few, main, 3)
    ids = ",".join(str(v.pk) for v in (plenty, few, none, ships, draft))
    r = store_api.get("/api/v1/store/variants/availability", {"ids": ids + ",999999"})
    got = {i["variant_id"]: (i["status"], i["message"], i["purchasable"]) for i in r.json()}
    assert got == {
        plenty.pk: ("in_stock", "In stock", True),
        few.pk: ("low_stock", "Only 3 left", True),
        none.pk: ("out_of_stock", "Out of stock", False),
        # The merchant's "ships in 4-7 days" tag is a promise, not stock: without a
        # backorder policy there is nothing to sell (checkout would refuse it).
        ships.pk: ("out_of_stock", "Out of stock", False),
        draft.pk: ("unavailable", "Unavailable", False),
    }
    assert store_api.get("/api/v1/store/variants/availability", {"ids": "1,x"}).status_code == 422
    url = "/api/v1/store/back-in-stock"
    r = store_api.post(url, {"variant_id": none.pk, "email": "Ria@Example.in"})
    assert r.status_code == 201 and r.json()["already_subscribed"] is False
    r = store_api.post(url, {"variant_id": none.pk, "email": "ria@example.in"})
    assert r.status_code == 200 and r.json()["already_subscribed"] is True
    r = store_api.post(url, {"variant_id": none.pk, "phone": "+91 98765 43210"})
    assert r.status_code == 201
    assert store_api.post(url, {"variant_id": none.pk, "phone": "123"}).status_code == 422
    assert store_api.post(url, {"variant_id": 999999, "email": "a@b.in"}).status_code == 404
    assert BackInStockSubscription.objects.count() == 2
