"""Publishable keys stay readable (`public_key`), secret keys never: a CHECK says so.

Existing keys keep working unchanged (both kinds are still found by their hash). A secret
key row that somehow held readable text is blanked first, so the CHECK can be added. A
publishable key without `public_key` cannot be recovered from its hash: the API keys page
marks it and offers to replace it.
"""

from django.db import migrations, models


def blank_readable_secret_keys(apps, schema_editor):
    ApiKey = apps.get_model("accounts", "ApiKey")
    ApiKey.objects.filter(kind="secret").exclude(public_key="").update(public_key="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_email_log"),
    ]

    operations = [
        migrations.RunPython(blank_readable_secret_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="apikey",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "publishable"), ("public_key", ""), _connector="OR"),
                name="secret_key_not_stored_readable",
            ),
        ),
    ]
