"""Dashboard pages: stock list (query guard), low stock, history, operations, import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.inventory.models import Location, StockLevel, StockMovement
from haat.inventory.selectors import low_stock_count
from tests.inventory.conftest import make_location, make_variant, receive

pytestmark = pytest.mark.django_db
D = "/dashboard/inventory/"


def test_stock_list_query_count_does_not_grow_with_rows(staff_client):
    client = staff_client("owner")
    main, shop = make_location("main", 1), make_location("shop", 2)
    receive(make_variant("FIRST"), main, 3)
    client.get(D + "stock/")
    with CaptureQueriesContext(connection) as one:
        r = client.get(D + "stock/")
    for i in range(15):
        v = make_variant(f"MORE-{i}")
        receive(v, main, 9)
        receive(v, shop, 1)
    with CaptureQueriesContext(connection) as many:
        r = client.get(D + "stock/")
    assert r.status_code == 200
    assert b"MORE-14" in r.content
    assert len(many) == len(one)
    r = client.get(D + "stock/", {"state": "low", "q": "first"})
    assert b"FIRST" in r.content and b"MORE-1" not in r.content


def test_low_stock_page_lists_low_and_out_separately(staff_client):
    main = make_location("main")
    receive(make_variant("LOWSKU"), main, 2)
    make_variant("OUTSKU")
    receive(make_variant("FINE"), main, 50)
    assert low_stock_count() == 2
    r = staff_client("support").get(D + "stock/low/")
    html = r.content.decode()
    low, out = html.index('id="low-list"'), html.index('id="out-list"')
    assert low < html.index("LOWSKU") < out < html.index("OUTSKU")
    assert "FINE" not in html


def test_receive_adjust_transfer_forms(staff_client):
    client = staff_client("manager")
    main, shop = make_location("main", 1), make_location("shop", 2)
    v = make_variant("TEE")
    r = client.get(D + f"stock/receive/?variant={v.pk}", headers={"HX-Request": "true"})
    assert b"<dialog" in r.content
    r = client.post(
        D + "stock/receive/",
        {"variant": v.pk, "location": main.pk, "quantity": 10, "note": "", "reference": "PO"},
    )
    assert r.status_code == 302
    r = client.post(
        D + "stock/adjust/",
        {"variant": v.pk, "location": main.pk, "reason": "adjustment", "quantity": -1, "note": ""},
    )
    assert r.status_code == 422 and b"A note is required" in r.content
    r = client.post(
        D + "stock/transfer/",
        {"variant": v.pk, "from_location": main.pk, "to_location": shop.pk, "quantity": 11},
    )
    assert r.status_code == 422 and b"Only 10 available" in r.content
    r = client.post(
        D + "stock/transfer/",
        {"variant": v.pk, "from_location": main.pk, "to_location": shop.pk, "quantity": 4},
    )
    assert r.status_code == 302
    r = client.get(D + f"stock/variants/{v.pk}/")
    assert r.status_code == 200 and b"Transfer in" in r.content
    assert StockMovement.objects.count() == 3
    assert staff_client("support").post(D + "stock/receive/", {}).status_code == 403


def test_bulk_form_and_csv_import_report(staff_client):
    client = staff_client("owner")
    main = make_location("main")
    v = make_variant("CSV-1")
    r = client.post(D + "stock/bulk/", {"location": "main", f"count-{v.pk}": "7", "note": "n"})
    assert r.status_code == 200 and StockLevel.objects.get().on_hand == 7
    bad = SimpleUploadedFile("s.csv", b"sku,location,on_hand\nCSV-1,main,3\nGHOST,main,1\n")
    r = client.post(D + "stock/import/", {"file": bad})
    assert r.status_code == 422 and b"unknown SKU" in r.content
    assert StockLevel.objects.get().on_hand == 7
    good = SimpleUploadedFile("s.csv", b"sku,location,on_hand\nCSV-1,main,3\n")
    r = client.post(D + "stock/import/", {"file": good})
    assert r.status_code == 200 and StockLevel.objects.get(location=main).on_hand == 3
    r = client.get(D + "stock/report/", {"date": ""})
    assert r["Content-Type"].startswith("text/csv") and b"CSV-1" in r.content


def test_locations_page(staff_client):
    client = staff_client("owner")
    r = client.post(
        D + "locations/",
        {
            "name": "Jaipur shop",
            "code": "jaipur",
            "kind": "partner_shop",
            "priority": 50,
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    loc = Location.objects.get()
    r = client.post(
        D + "locations/", {"name": "Again", "code": "jaipur", "kind": "warehouse", "priority": 1}
    )
    assert b"taken" in r.content
    r = client.post(
        D + f"locations/{loc.pk}/",
        {"name": "Jaipur", "code": "jaipur", "kind": "partner_shop", "priority": 5},
    )
    loc.refresh_from_db()
    assert (loc.priority, loc.is_active) == (5, False)
    assert b"Jaipur" in client.get(D + "locations/").content
