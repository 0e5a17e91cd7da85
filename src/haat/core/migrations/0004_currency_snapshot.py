"""Add the codes of the pinned ISO 4217 snapshot that a store seeded from Babel lacks
(VED, XCG, ZWG), disabled. Rows already there keep their decimal places: see currency_data."""

from django.db import migrations

from haat.core.currency_data import seed_currencies


def add_missing(apps, schema_editor):
    seed_currencies(apps.get_model("core", "Currency"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_periodic_run")]
    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop)]
