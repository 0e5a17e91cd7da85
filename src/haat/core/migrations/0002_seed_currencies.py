from django.db import migrations


def seed(apps, schema_editor):
    from haat.core.currency_data import iso_currencies

    Currency = apps.get_model("core", "Currency")
    order = {"INR": 1, "USD": 2, "EUR": 3, "GBP": 4, "AED": 5}
    Currency.objects.bulk_create(
        [
            Currency(
                **row,
                enabled=row["code"] == "INR",
                is_default=row["code"] == "INR",
                display_order=order.get(row["code"], 1000),
            )
            for row in iso_currencies()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
