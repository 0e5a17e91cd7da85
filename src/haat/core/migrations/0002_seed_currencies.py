from django.db import migrations

from haat.core.currency_data import seed_currencies


def seed(apps, schema_editor):
    seed_currencies(apps.get_model("core", "Currency"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
