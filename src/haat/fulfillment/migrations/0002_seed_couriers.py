"""The five couriers most Indian D2C brands ship with, with tracking links and AWB shapes
(`haat.fulfillment.couriers.SEEDED`; copied here so later edits there do not rewrite history)."""

from django.db import migrations

SEEDED = (
    (
        "shiprocket",
        "Shiprocket",
        "https://shiprocket.co/tracking/{awb}",
        r"[A-Z0-9]{8,20}",
        "8 to 20 letters or digits",
    ),
    (
        "delhivery",
        "Delhivery",
        "https://www.delhivery.com/track-v2/package/{awb}",
        r"\d{13,14}",
        "13 or 14 digits",
    ),
    (
        "bluedart",
        "Blue Dart",
        "https://www.bluedart.com/web/guest/trackdartresultthirdparty?trackFor=0&trackNo={awb}",
        r"\d{11}",
        "11 digits",
    ),
    (
        "dtdc",
        "DTDC",
        "https://www.dtdc.in/trace.asp?strCnno={awb}",
        r"[A-Z]\d{8}",
        "a letter and 8 digits, like D12345678",
    ),
    (
        "indiapost",
        "India Post",
        "https://www.indiapost.gov.in/_layouts/15/dop.portal.tracking/trackconsignment.aspx?consignment={awb}",
        r"[A-Z]{2}\d{9}IN",
        "2 letters, 9 digits and IN, like EA123456789IN",
    ),
)


def seed(apps, schema_editor):
    Courier = apps.get_model("fulfillment", "Courier")
    for code, name, url, pattern, hint in SEEDED:
        Courier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "tracking_url": url,
                "awb_pattern": pattern,
                "awb_hint": hint,
                "built_in": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_couriers_and_shipments")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
