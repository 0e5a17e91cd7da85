"""The indexes behind the customers search (migration 0003 on PostgreSQL): the name and
the e-mail are found by any part through trigram indexes, and the planner uses them."""

from __future__ import annotations

import pytest
from django.db import connection

from haat.customers.selectors import customer_queryset

pytestmark = pytest.mark.django_db


def test_trigram_indexes_serve_substring_search():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's; SQLite scans a small store's table")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer' "
            "AND indexname LIKE '%%trgm'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "customer_name_trgm",
            "customer_email_trgm",
        }
        # A test table is small and its statistics vary: rule out the other plans, so the
        # EXPLAIN shows whether the trigram indexes can serve the search's expressions.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        query = customer_queryset("iyer").order_by().values("pk").query
        sql, params = query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_trgm" in plan and "customer_email_trgm" in plan, plan
