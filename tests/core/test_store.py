"""The store's details: one row read through a stamped copy, changed through one service,
shown on the dashboard, the pay page and through the admin API."""

from __future__ import annotations

import io

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from PIL import Image

from haat.core import store
from haat.core.errors import ValidationError
from haat.core.india import gstin_check_character, gstin_problem
from haat.core.middleware import StoreTimeZoneMiddleware
from haat.core.models import AuditLogEntry, StoreDetails

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Kesari Lane",
    "legal_name": "Kesari Lane Crafts LLP",
    "address_line1": "14, Haldiyon ka Rasta",
    "city": "Jaipur",
    "state": "RJ",
    "postal_code": "302003",
    "country": "IN",
    "gstin": "08aakfk2024r1zx",
    "support_email": "hello@kesarilane.example",
    "time_zone": "Asia/Kolkata",
}


def test_gstin_checks_format_pan_check_character_and_state():
    assert gstin_check_character("27AAPFU0939F1Z") == "V"
    assert gstin_problem("27AAPFU0939F1ZV") is None
    assert gstin_problem("27AAPFU0939F1ZV", state="Maharashtra") is None
    assert "starts with 08" in gstin_problem("27AAPFU0939F1ZV", state="Rajasthan")
    assert "last character" in gstin_problem("27AAPFU0939F1ZW")
    assert "PAN" in gstin_problem("27AAPXU0939F1ZV")
    assert "15 characters" in gstin_problem("27AAPFU0939F1Z")


@override_settings(HAAT_STORE_NAME="Haat Store", TIME_ZONE="Asia/Kolkata")
def test_before_the_first_save_the_store_is_named_by_the_setting():
    details = store.store()
    assert details.name == "Haat Store" and details.time_zone == "Asia/Kolkata"
    assert not StoreDetails.objects.exists()


def test_update_cleans_and_audits_and_every_reader_sees_it():
    saved = store.update_store(data=VALID)
    assert saved.name == "Kesari Lane" and saved.state == "Rajasthan"
    assert saved.gstin == "08AAKFK2024R1ZX"
    assert saved.address_lines == ["14, Haldiyon ka Rasta", "Jaipur 302003, Rajasthan"]
    assert store.store() == saved
    entry = AuditLogEntry.objects.get(action="store.update")
    assert entry.changes["name"][1] == "Kesari Lane"
    # A change written by another process moves the stamp; this process reloads.
    StoreDetails.objects.filter(pk=1).update(name="Renamed")
    assert store.store().name == "Kesari Lane"  # no stamp moved: the held copy
    StoreDetails.objects.get(pk=1).save()  # a tracked save moves the stamp
    assert store.store().name == "Renamed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"gstin": "08AAKFK2024R1ZY"}, "gstin"),
        ({"gstin": "27AAPFU0939F1ZV"}, "gstin"),  # Maharashtra's, for a Rajasthan store
        ({"state": "Atlantis"}, "state"),
        ({"country": "US"}, "gstin"),
        ({"support_email": "not an address"}, "support_email"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"city": 42}, "city"),
    ],
)
def test_bad_details_name_the_field_and_change_nothing(change, field):
    store.update_store(data=VALID)
    with pytest.raises(ValidationError) as err:
        store.update_store(data={**VALID, **change})
    assert err.value.details["field"] == field
    assert StoreDetails.objects.get().name == "Kesari Lane"
    assert AuditLogEntry.objects.filter(action="store.update").count() == 1


def test_the_dashboard_and_pay_pages_use_the_store_time_zone():
    store.update_store(data={**VALID, "time_zone": "America/New_York"})
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["store"] = getattr(request, "store", None)
        return None

    middleware = StoreTimeZoneMiddleware(view)
    middleware(RequestFactory().get("/dashboard/"))
    assert seen["zone"] == "America/New_York" and seen["store"].name == "Kesari Lane"
    seen.clear()
    middleware(RequestFactory().get("/api/v1/store/products"))
    assert seen == {"zone": "Asia/Kolkata", "store": None}


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "orange").save(out, "PNG")
    out.seek(0)
    out.name = "logo.png"
    return out


def test_dashboard_page_saves_shows_errors_inline_and_takes_a_logo(staff_client):
    client = staff_client("owner")
    page = client.get("/dashboard/settings/store/")
    assert page.status_code == 200 and b"Store details" in page.content
    bad = client.post("/dashboard/settings/store/", {**VALID, "gstin": "08AAKFK2024R1ZY"})
    assert bad.status_code == 422
    assert b"last character does not match" in bad.content
    assert not StoreDetails.objects.exists()
    fake = io.BytesIO(b"<svg/>")
    fake.name = "logo.png"
    refused = client.post("/dashboard/settings/store/", {**VALID, "logo": fake})
    assert refused.status_code == 422 and b"PNG, JPEG or WebP" in refused.content
    done = client.post("/dashboard/settings/store/", {**VALID, "logo": _png()})
    assert done.status_code == 302
    details = store.store()
    assert details.logo_url.startswith("/media/store/") and details.gstin == "08AAKFK2024R1ZX"
    home = client.get("/dashboard/")
    assert b"Kesari Lane" in home.content


def test_only_roles_that_manage_the_store_see_the_page(staff_client):
    assert staff_client("manager").get("/dashboard/settings/store/").status_code == 200
    assert staff_client("support").get("/dashboard/settings/store/").status_code == 403


def test_admin_api_reads_and_replaces_the_details(admin_api):
    api = admin_api("owner")
    response = api.put("/api/v1/admin/store", VALID)
    assert response.status_code == 200, response.content
    assert response.json()["gstin"] == "08AAKFK2024R1ZX"
    assert api.get("/api/v1/admin/store").json()["state"] == "Rajasthan"
    bad = api.put("/api/v1/admin/store", {**VALID, "time_zone": "Nowhere/Town"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "time_zone"
    assert admin_api("support").get("/api/v1/admin/store").status_code == 403


def test_the_pay_page_shows_the_store_name():
    store.update_store(data=VALID)
    assert b"Kesari Lane" in Client().get("/pay/no-such-token").content
