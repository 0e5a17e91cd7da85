from django.db import migrations


def seed(apps, schema_editor):
    from haat.core.currency_data import seed_currencies

    seed_currencies(apps.get_model("core", "Currency"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
