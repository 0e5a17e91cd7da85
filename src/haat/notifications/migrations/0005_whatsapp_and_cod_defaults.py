"""The WhatsApp rules and templates (mapped to the names approved at Meta) and the COD
confirmation (WhatsApp, e-mail fallback); adds only what is missing."""

from django.db import migrations

from haat.notifications.defaults import seed_whatsapp


def add_defaults(apps, schema_editor):
    seed_whatsapp(
        apps.get_model("notifications", "Rule"), apps.get_model("notifications", "Template")
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_whatsapp_consent_cod_confirmation")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
