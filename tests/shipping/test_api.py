"""The shipping API: staff manage zones, rates, PIN codes and Shiprocket; the storefront
asks for a quote with its publishable key. Replies are checked against the OpenAPI document
by the test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from haat.accounts.api_keys import create_api_key
from haat.accounts.models import ApiKey
from haat.shipping.models import Rate, ServiceablePin, ShiprocketAccount, Zone
from tests.catalog.domain_helpers import make_product, make_variant, price


@pytest.fixture
def staff(admin_api):
    return admin_api("owner")


def test_zone_and_rate_lifecycle(staff, currencies):
    currencies("INR")
    created = staff.post(
        "/api/v1/admin/shipping/zones",
        {"name": "Rajasthan", "states": ["RJ"], "cutoff_time": "15:30", "cod_allowed": True},
    )
    assert created.status_code == 201, created.json()
    zone = created.json()
    assert zone["states"] == ["Rajasthan"] and zone["cutoff_time"] == "15:30"
    rate = staff.put(
        f"/api/v1/admin/shipping/zones/{zone['id']}/rates/inr/standard",
        {"amount": 4900, "free_above": 99900, "days_min": 2, "days_max": 4},
    )
    assert rate.status_code == 200, rate.json()
    assert rate.json()["summary"] == "₹49.00, Free above ₹999.00, Delivery in 2–4 days"
    slabs = staff.put(
        f"/api/v1/admin/shipping/zones/{zone['id']}/rates/INR/standard",
        {"slabs": [{"max_grams": 1000, "amount": 9000}, {"max_grams": 500, "amount": 6000}]},
    )
    assert [s["max_grams"] for s in slabs.json()["slabs"]] == [500, 1000]
    assert Rate.objects.count() == 1  # replaced, not added
    listed = staff.get("/api/v1/admin/shipping/zones").json()
    assert listed["count"] == 1 and listed["items"][0]["rates"][0]["slabs"][0]["price"] == {
        "amount": 6000, "currency": "INR", "formatted": "₹60.00"
    }  # fmt: skip
    patched = staff.patch(f"/api/v1/admin/shipping/zones/{zone['id']}", {"cod_allowed": False})
    assert patched.json()["cod_allowed"] is False and patched.json()["states"] == ["Rajasthan"]
    gone = staff.delete(f"/api/v1/admin/shipping/zones/{zone['id']}/rates/INR/standard")
    assert gone.status_code == 204
    assert staff.delete(f"/api/v1/admin/shipping/zones/{zone['id']}").status_code == 204
    assert not Zone.objects.exists()


def test_bad_input_is_422_naming_the_field(staff, currencies):
    currencies("INR")
    bad_state = staff.post("/api/v1/admin/shipping/zones", {"name": "X", "states": ["Atlantis"]})
    assert bad_state.status_code == 422
    assert bad_state.json()["error"]["details"]["field"] == "states[0]"
    zone = staff.post("/api/v1/admin/shipping/zones", {"name": "India"}).json()
    url = f"/api/v1/admin/shipping/zones/{zone['id']}/rates"
    days = staff.put(f"{url}/INR/standard", {"amount": 100, "days_min": 5, "days_max": 2})
    assert days.json()["error"]["details"]["field"] == "days_max"
    assert staff.put(f"{url}/XYZ/standard", {"amount": 100}).status_code == 422
    assert staff.put(f"{url}/INR/overnight", {"amount": 100}).status_code == 422
    twice = staff.put(
        f"{url}/INR/standard",
        {"slabs": [{"max_grams": 500, "amount": 1}, {"max_grams": 500, "amount": 2}]},
    )
    assert twice.json()["error"]["details"]["field"] == "slabs[1].max_grams"
    assert staff.get("/api/v1/admin/shipping/zones/999").status_code == 404


def test_roles(admin_api):
    support = admin_api("support")
    assert support.get("/api/v1/admin/shipping/zones").status_code == 200
    assert support.post("/api/v1/admin/shipping/zones", {"name": "X"}).status_code == 403
    assert admin_api("marketing").get("/api/v1/admin/shipping/zones").status_code == 403


def test_pin_upload_and_list(staff):
    issued = create_api_key(name="t", kind=ApiKey.Kind.SECRET, role="owner")
    client = Client(headers={"Authorization": f"Bearer {issued.plaintext}"})
    upload = SimpleUploadedFile("pins.csv", b"pin,cod,city\n302001,yes,Jaipur\n305001,no,Ajmer\n")
    reply = client.post("/api/v1/admin/shipping/pins/import", {"file": upload})
    assert reply.status_code == 200
    assert reply.json() == {"added": 2, "updated": 0, "removed": 0, "unchanged": 0}
    bad = SimpleUploadedFile("pins.csv", b"pin\n302001\n12\n")
    reply = client.post("/api/v1/admin/shipping/pins/import", {"file": bad})
    assert reply.status_code == 422
    assert reply.json()["error"]["details"]["rows"][0]["row"] == 3
    listed = staff.get("/api/v1/admin/shipping/pins", {"q": "305"}).json()
    assert [p["pin"] for p in listed["items"]] == ["305001"]
    assert staff.delete("/api/v1/admin/shipping/pins/305001").status_code == 204
    assert list(ServiceablePin.objects.values_list("pin", flat=True)) == ["302001"]


def test_shiprocket_settings_never_return_the_password(staff):
    saved = staff.put(
        "/api/v1/admin/shipping/shiprocket",
        {"email": "api@x.example", "password": "s3cret", "pickup_postcode": "302001",
         "is_enabled": True},
    )  # fmt: skip
    assert saved.status_code == 200
    assert saved.json()["has_password"] is True and "s3cret" not in saved.content.decode()
    assert "s3cret" not in ShiprocketAccount.objects.get().password_encrypted
    assert staff.get("/api/v1/admin/shipping/shiprocket").json()["email"] == "api@x.example"


@pytest.fixture
def cart(currencies):
    currencies("INR", "USD")
    product = make_product("Block-print kurta", status="active")
    light = make_variant(
        product, "KURTA-S", price("899.00"), price("20.00", "USD"), weight_grams=350
    )
    heavy = make_variant(product, "KURTA-XL", price("1299.00"), weight_grams=700)
    return light, heavy


def test_store_quote(store_api, zones, cart):
    light, heavy = cart
    reply = store_api.post(
        "/api/v1/store/shipping/quote",
        {"currency": "INR", "country": "IN", "state": "Karnataka", "postal_code": "560 025",
         "lines": [{"variant_id": light.pk, "quantity": 1}, {"variant_id": heavy.pk,
                                                             "quantity": 1}]},
    )  # fmt: skip
    assert reply.status_code == 200, reply.json()
    body = reply.json()
    assert body["zone"] == "Rest of India" and body["weight_grams"] == 1050
    assert body["order_value"]["formatted"] == "₹2,198.00"
    standard = body["options"][0]
    assert standard["service"] == "standard" and standard["free"]  # free above ₹1,499.00
    assert standard["delivery_text"].startswith("Delivery in 3–5 days (")
    assert standard["cod_allowed"] is True


def test_store_quote_refuses_unserviceable_pin(store_api, zones, cart):
    ServiceablePin.objects.create(pin="302001")
    reply = store_api.post(
        "/api/v1/store/shipping/quote",
        {"currency": "INR", "country": "IN", "postal_code": "560025",
         "lines": [{"variant_id": cart[0].pk, "quantity": 2}]},
    )  # fmt: skip
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "unserviceable_pin"
    assert "560025" in reply.json()["error"]["message"]


def test_store_quote_refuses_unknown_variant_and_currency(store_api, zones, cart):
    reply = store_api.post(
        "/api/v1/store/shipping/quote",
        {"currency": "USD", "country": "US",
         "lines": [{"variant_id": cart[0].pk, "quantity": 1},
                   {"variant_id": cart[1].pk, "quantity": 1}]},
    )  # fmt: skip
    assert reply.status_code == 422
    assert reply.json()["error"]["details"]["field"] == "lines[1].variant_id"  # no USD price
    assert store_api.post("/api/v1/store/shipping/quote", {"currency": "INR"}).status_code == 422


def test_shiprocket_connection_test_reports_the_answer(staff, settings):
    from tests.shipping.servers import ShiprocketServer

    server = ShiprocketServer("api@x.example", "right").start()
    settings.HAAT_SHIPROCKET_API_BASE = server.base_url
    try:
        assert staff.post("/api/v1/admin/shipping/shiprocket/test").status_code == 422
        staff.put(
            "/api/v1/admin/shipping/shiprocket",
            {"email": "api@x.example", "password": "wrong", "pickup_postcode": "302001",
             "is_enabled": True},
        )  # fmt: skip
        refused = staff.post("/api/v1/admin/shipping/shiprocket/test").json()
        assert refused["connected"] is False and "e-mail or password" in refused["message"]
        staff.put("/api/v1/admin/shipping/shiprocket", {"email": "api@x.example",
                                                         "password": "right",
                                                         "pickup_postcode": "302001",
                                                         "is_enabled": True})  # fmt: skip
        ok = staff.post("/api/v1/admin/shipping/shiprocket/test").json()
        assert ok["connected"] is True and ok["token_valid_until"]
    finally:
        server.stop()
