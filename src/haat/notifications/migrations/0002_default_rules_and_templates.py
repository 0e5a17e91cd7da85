"""The default rules (enabled) and their English and Hindi templates; adds only what is
missing, so running it on a store with edited templates changes nothing."""

from django.db import migrations

from haat.notifications.defaults import seed


def add_defaults(apps, schema_editor):
    seed(apps.get_model("notifications", "Rule"), apps.get_model("notifications", "Template"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_messages_rules_templates")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
