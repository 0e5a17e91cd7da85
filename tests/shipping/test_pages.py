"""Dashboard shipping pages: zones and rates in the merchant's words, the PIN upload, the
Shiprocket form; a fixed number of queries however many zones there are."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.core.models import AuditLogEntry
from haat.core.selectors import audit_lines
from haat.shipping import services
from haat.shipping.models import Rate, ServiceablePin, ShiprocketAccount, Zone


def test_zone_list_reads_in_words(staff_client, zones):
    page = staff_client("owner").get("/dashboard/shipping/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Free above ₹999.00" in html
    assert "Delivery in 1–2 days" in html
    assert "Up to 500 g ₹79.00 · up to 2,000 g ₹129.00" in html
    assert "Everywhere no other zone covers" in html
    assert "Cash on delivery not offered" in html  # international: no cash on delivery
    assert "minor" not in html and "4900" not in html


def test_zone_list_queries_do_not_grow(staff_client, zones):
    client = staff_client("owner")
    client.get("/dashboard/shipping/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/shipping/")
    for i in range(4):
        zone = services.create_zone(name=f"Zone {i}", pin_prefixes=[f"{i + 1}"])
        services.set_rate(
            zone=zone, currency="INR", service="standard", slabs=[{"max_grams": 500, "amount": 1}]
        )
    client.get("/dashboard/shipping/")  # the settings stamp moved: per-process copies reload
    with CaptureQueriesContext(connection) as many:
        client.get("/dashboard/shipping/")
    assert len(many) == len(few)


def test_add_zone_then_rate_from_the_dashboard(staff_client, zones):
    client = staff_client("owner")
    reply = client.post(
        "/dashboard/shipping/",
        {"name": "Jaipur city", "pin_prefixes": "302, 303", "priority": 5, "cod_allowed": "on",
         "cutoff_time": "16:00", "business_days_only": "on", "is_active": "on"},
    )  # fmt: skip
    zone = Zone.objects.get(name="Jaipur city")
    assert reply.status_code == 302 and zone.pin_prefixes == ["302", "303"]
    reply = client.post(
        f"/dashboard/shipping/zones/{zone.pk}/",
        {"action": "rate", "currency": "INR", "service": "express", "amount": "",
         "slabs": "500: 60, 1000g: 90.50", "free_above": "1999", "days_min": 0, "days_max": 1},
    )  # fmt: skip
    assert reply.status_code == 302, reply.content.decode()[:2000]
    rate = Rate.objects.get(zone=zone)
    assert rate.free_above == 199900
    assert list(rate.slabs.values_list("max_grams", "amount")) == [(500, 6000), (1000, 9050)]
    page = client.get(f"/dashboard/shipping/zones/{zone.pk}/").content.decode()
    assert "Up to 500 g ₹60.00 · up to 1,000 g ₹90.50" in page
    assert "Delivery in 0–1 days" in page or "Delivery in 0" in page


def test_dashboard_errors_name_the_field(staff_client, zones):
    client = staff_client("owner")
    reply = client.post(
        f"/dashboard/shipping/zones/{zones.local.pk}/",
        {"action": "rate", "currency": "INR", "service": "standard", "slabs": "heavy: lots",
         "days_min": 1, "days_max": 2},
    )  # fmt: skip
    assert reply.status_code == 200
    assert "Write each slab as grams: price" in reply.content.decode()
    reply = client.post(
        "/dashboard/shipping/",
        {"name": "X", "states": "Atlantis", "priority": 1, "cutoff_time": "14:00"},
    )
    assert "is not an Indian state" in reply.content.decode()


def test_pin_upload_page(staff_client, db):
    client = staff_client("owner")
    upload = SimpleUploadedFile("pins.csv", b"pin,cod,city\n302001,yes,Jaipur\n305001,no,Ajmer\n")
    reply = client.post("/dashboard/shipping/pin-codes/", {"file": upload}, follow=True)
    html = reply.content.decode()
    assert "2 added" in html and "Jaipur" in html
    bad = SimpleUploadedFile("pins.csv", b"pin\n302001\n1234\n")
    html = client.post("/dashboard/shipping/pin-codes/", {"file": bad}).content.decode()
    assert "Row 3:" in html and "Nothing was changed" in html
    assert ServiceablePin.objects.count() == 2


def test_support_reads_but_cannot_change(staff_client, zones):
    client = staff_client("support")
    assert client.get("/dashboard/shipping/").status_code == 200
    assert client.post("/dashboard/shipping/", {"name": "X"}).status_code == 403
    assert client.get("/dashboard/shipping/shiprocket/").status_code == 403


def test_shiprocket_form_keeps_password(staff_client, db):
    client = staff_client("owner")
    data = {"is_enabled": "on", "email": "api@x.example", "password": "pw-1",
            "pickup_postcode": "302001"}  # fmt: skip
    assert client.post("/dashboard/shipping/shiprocket/", data).status_code == 302
    stored = ShiprocketAccount.objects.get().password_encrypted
    client.post("/dashboard/shipping/shiprocket/", {**data, "password": ""})
    assert ShiprocketAccount.objects.get().password_encrypted == stored
    page = client.get("/dashboard/shipping/shiprocket/").content.decode()
    assert "pw-1" not in page and "A password is stored" in page


def test_audit_log_reads_rates_in_money(zones):
    entry = AuditLogEntry.objects.filter(action="shipping.rate.set").order_by("pk").first()
    line = audit_lines([entry])[0]
    text = " ".join(line.details)
    assert "Standard delivery in INR" in text and "₹49.00" in text and "₹999.00" in text
