"""The admin API for shipments, status moves and notes (replies checked against the OpenAPI
document by the test client), the order page's actions, and the customer's tracking page."""

from __future__ import annotations

import pytest

from haat.fulfillment.models import Shipment
from haat.orders.models import OrderNote

pytestmark = pytest.mark.django_db


def test_fulfilment_staff_take_an_order_to_delivered_through_the_api(cod_order, admin_api):
    api = admin_api("fulfilment")
    base = f"/api/v1/admin/orders/{cod_order.number}"
    r = api.post(f"{base}/status", {"status": "processing", "note": "Picking"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "processing"
    line = cod_order.lines.get().pk
    r = api.post(
        f"{base}/shipments",
        {
            "courier": "delhivery",
            "awb": "12345678901234",
            "lines": [{"order_line_id": line, "quantity": 3}],
            "weight_grams": 800,
            "estimated_delivery": "2026-12-09",
        },
    )
    assert r.status_code == 201, r.content
    shipment = r.json()
    assert shipment["tracking_url"].endswith("12345678901234")
    assert shipment["location"] == "main" or shipment["location"]
    for to, order_status in (
        ("shipped", "shipped"),
        ("out_for_delivery", "out_for_delivery"),
        ("delivered", "delivered"),
    ):
        r = api.post(f"{base}/shipments/{shipment['id']}/status", {"status": to})
        assert r.status_code == 200, r.content
        assert r.json()["order_status"] == order_status
    r = api.post(f"{base}/notes", {"text": "Left with the neighbour", "visibility": "customer"})
    assert r.status_code == 201
    timeline = api.get(f"{base}/timeline").json()
    kinds = {e["kind"] for e in timeline}
    assert {"status", "shipment", "note"} <= kinds
    assert any("Delhivery 12345678901234" in e["text"] for e in timeline)
    assert api.get(f"{base}/shipments").json()[0]["status"] == "delivered"


def test_bad_api_input_is_a_clear_4xx_and_changes_nothing(cod_order, admin_api):
    api = admin_api("fulfilment")
    base = f"/api/v1/admin/orders/{cod_order.number}"
    line = cod_order.lines.get().pk
    r = api.post(f"{base}/shipments", {"courier": "bluedart", "awb": "12345"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_awb"
    r = api.post(
        f"{base}/shipments",
        {"courier": "dtdc", "awb": "D12345678", "lines": [{"order_line_id": line, "quantity": 9}]},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "over_shipped"
    r = api.post("/api/v1/admin/orders/HT-99999/shipments", {"courier": "dtdc", "awb": "D1"})
    assert r.status_code == 404
    r = api.post(f"{base}/shipments/999/status", {"status": "shipped"})
    assert r.status_code == 404
    r = api.post(f"{base}/status", {"status": "packed"})
    r = api.post(f"{base}/status", {"status": "processing"})
    assert r.status_code == 409
    assert r.json()["error"]["details"]["allowed"] == [
        "cancelled",
        "partially_shipped",
        "shipped",
    ]
    assert not Shipment.objects.exists()
    assert admin_api("support").post(f"{base}/notes", {"text": "x"}).status_code == 403
    assert admin_api("marketing").get(f"{base}/shipments").status_code == 403


def test_the_order_page_offers_only_the_moves_valid_now(cod_order, staff_client):
    client = staff_client("fulfilment")
    page = client.get(f"/dashboard/orders/{cod_order.number}/").content.decode()
    assert "Mark processing" in page and "Mark packed" in page
    assert "Create a shipment" in page and "Mark delivered" not in page
    r = client.post(f"/dashboard/orders/{cod_order.number}/status/", {"status": "packed"})
    assert r.status_code == 302
    line = cod_order.lines.get().pk
    r = client.post(
        f"/dashboard/orders/{cod_order.number}/shipments/",
        {"courier": "indiapost", "awb": "EA123456789IN", f"qty_{line}": "3"},
    )
    assert r.status_code == 302
    shipment = Shipment.objects.get()
    client.post(
        f"/dashboard/orders/{cod_order.number}/shipments/{shipment.pk}/status/",
        {"status": "shipped"},
    )
    client.post(
        f"/dashboard/orders/{cod_order.number}/notes/",
        {"text": "Fragile, packed twice", "visibility": "internal"},
    )
    page = client.get(f"/dashboard/orders/{cod_order.number}/").content.decode()
    assert "Mark processing" not in page and "Create a shipment" not in page
    assert "Out for delivery" in page and "Mark delivered" in page
    assert "Fragile, packed twice" in page and "Staff note" in page
    assert "Moved from packed to shipped" in page
    support = staff_client("support").get(f"/dashboard/orders/{cod_order.number}/")
    assert "Mark delivered" not in support.content.decode()


def test_the_tracking_page_shows_progress_without_personal_data(cod_order, client):
    from haat.fulfillment import services
    from haat.orders import notes

    s = services.create_shipment(order=cod_order, courier_code="delhivery", awb="12345678901234")
    services.move_shipment(order=cod_order, shipment_id=s.pk, to="shipped")
    notes.add_note(order=cod_order, text="Packed with care", visibility="customer")
    notes.add_note(order=cod_order, text="Customer is rude", visibility="internal")
    r = client.get(f"/track/{cod_order.token}")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Shipped" in page and "delhivery.com/track-v2/package/12345678901234" in page
    assert "Packed with care" in page and "Customer is rude" not in page
    for private in ("Meera", "Residency Road", "9845012345", "asha@example.in", "Asha"):
        assert private not in page
    assert 'data-state="done"' in page and 'data-state="upcoming"' in page
    assert r["Referrer-Policy"] == "no-referrer"
    missing = client.get("/track/not-a-real-token")
    assert missing.status_code == 404 and "could not find" in missing.content.decode()
    assert OrderNote.objects.count() == 2


def test_the_storefront_order_says_the_status_in_the_customers_words(cod_order, store_api):
    from haat.orders import lifecycle

    lifecycle.advance(order=cod_order, to="packed")
    body = store_api.get(f"/api/v1/store/orders/{cod_order.token}").json()
    assert body["status"] == "packed"
    assert body["status_label"] == "Packed"
    assert body["status_explanation"] == "Your parcel is packed and waits for the courier."
    assert body["tracking_url"].endswith(f"/track/{cod_order.token}")


def test_the_tracking_page_costs_the_same_queries_for_one_parcel_or_three(cod_order, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haat.fulfillment import services

    line = cod_order.lines.get().pk

    def ship(awb: str) -> None:
        s = services.create_shipment(
            order=cod_order,
            courier_code="dtdc",
            awb=awb,
            lines=[services.LineQuantity(line, 1)],
        )
        services.move_shipment(order=cod_order, shipment_id=s.pk, to="shipped")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/track/{cod_order.token}").status_code == 200
        return len(ctx.captured_queries)

    ship("D10000001")
    queries()  # the store's details are cached after the first page
    one = queries()
    ship("D10000002")
    ship("D10000003")
    assert queries() == one <= 8
