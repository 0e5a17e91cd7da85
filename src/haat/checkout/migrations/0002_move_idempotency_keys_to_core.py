"""Idempotency keys moved to `core` (a facility every context uses, not checkout's own):
the stored replies are copied into `core_idempotencykey`, then checkout's table is
dropped. One INSERT ... SELECT each way (keys already there are left as they are), so a
key answered before the upgrade is still answered after it, and after a rollback."""

from django.db import migrations

COLUMNS = ("scope", "key", "fingerprint", "response_status", "response_body", "created_at")


def _copy(source: str, target: str):
    def copy(apps, schema_editor):
        src = apps.get_model(*source.split("."))._meta.db_table
        dst = apps.get_model(*target.split("."))._meta.db_table
        q = schema_editor.quote_name
        cols = ", ".join(q(c) for c in COLUMNS)
        # Identifiers only, all from the models and quoted: no value is interpolated.
        schema_editor.execute(
            f"INSERT INTO {q(dst)} ({cols}) SELECT {cols} FROM {q(src)} s "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {q(dst)} d "
            f"WHERE d.{q('scope')} = s.{q('scope')} AND d.{q('key')} = s.{q('key')}) "
            f"ORDER BY s.{q('id')}"
        )

    return copy


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0001_initial"),
        ("core", "0007_idempotency_key"),
    ]

    operations = [
        migrations.RunPython(
            _copy("checkout.IdempotencyKey", "core.IdempotencyKey"),
            _copy("core.IdempotencyKey", "checkout.IdempotencyKey"),
        ),
        migrations.DeleteModel(name="IdempotencyKey"),
    ]
