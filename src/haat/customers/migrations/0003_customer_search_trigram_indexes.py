"""On PostgreSQL, trigram indexes for finding customers by any part of their name or
e-mail (`customers.selectors.search_condition`: `UPPER(name) LIKE '%…%'`, `email LIKE
'%…%'`): 50,000 customers searched in under a millisecond instead of a 100 ms scan
(bench/customers_bench.py).

pg_trgm ships with PostgreSQL and is a trusted extension (13+): the database's owner may
create it. Where the role may not, the search still works, by scanning the table; the
migration says so and goes on. SQLite has no such index and needs none at a small
store's size.

Not atomic: the indexes are built CONCURRENTLY, so checkouts keep adding customers while
a large table is indexed during a deploy."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("haat.migrations")

INDEXES = {
    "customer_name_trgm": "UPPER(name::text) gin_trgm_ops",
    "customer_email_trgm": "email gin_trgm_ops",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            logger.warning(
                "pg_trgm could not be created (%s): customer search by name and e-mail "
                "will scan the customers table. Ask the database's administrator to run "
                "CREATE EXTENSION pg_trgm, then migrate customers zero 0002 and again.",
                exc,
            )
            return
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON customers_customer "
                f"USING gin ({expression})"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0002_notes_and_newest_first_index")]

    operations = [migrations.RunPython(create, drop)]
