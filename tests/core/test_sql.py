"""`core.sql`: the plain-SQL helpers of the checkout path write what the ORM would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from haat.core import sql
from haat.core.models import OutboxEvent
from haat.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_insert_rows_fills_defaults_and_stamps_auto_fields_like_the_orm():
    before = timezone.now()
    [(pk,)] = sql.insert_rows(
        OutboxEvent,
        [
            {
                "event_type": "x.done",
                "aggregate_type": "t",
                "aggregate_id": "1",
                "payload": {"a": [1]},
            }
        ],
    )
    event = OutboxEvent.objects.get(pk=pk)
    assert event.payload == {"a": [1]}  # JSON round trip
    assert event.attempts == 0 and event.last_error == "" and event.dispatched_at is None
    assert before <= event.created_at <= timezone.now()


def test_insert_rows_returns_the_columns_asked_for_in_order_and_batches():
    rows = [{"email": f"c{i}@x.in", "phone": "", "name": f"C {i}"} for i in range(1500)]
    out = sql.insert_rows(Customer, rows, returning=("id", "email"))
    assert [email for _, email in out] == [row["email"] for row in rows]
    assert Customer.objects.count() == 1500  # over one batch of MAX_PARAMS values


def test_insert_rows_on_conflict_clauses():
    [(first,)] = sql.insert_rows(Customer, [{"email": "a@x.in", "name": "A"}])
    none = sql.insert_rows(Customer, [{"email": "a@x.in"}], on_conflict="ON CONFLICT DO NOTHING")
    assert none == [] and Customer.objects.count() == 1
    later = timezone.now() + timedelta(minutes=5)
    [(again, name)] = sql.insert_rows(
        Customer,
        [{"email": "a@x.in", "name": "ignored", "updated_at": later}],
        on_conflict="ON CONFLICT (email) DO UPDATE SET updated_at = excluded.updated_at",
        returning=("id", "name"),
    )
    assert (again, name) == (first, "A")
    assert Customer.objects.get().updated_at == later


def test_a_failed_insert_changes_nothing():
    with pytest.raises(Exception), transaction.atomic():
        sql.insert_rows(Customer, [{"email": "b@x.in"}, {"email": "b@x.in"}])
    assert not Customer.objects.exists()


def test_read_helpers_give_python_values_on_both_databases():
    Customer.objects.create(email="d@x.in", name="D")
    row = sql.fetch_one("SELECT created_at FROM customers_customer WHERE email = %s", ["d@x.in"])
    created = sql.datetime_value(row[0])
    assert created == Customer.objects.get().created_at and created.tzinfo is not None
    assert sql.json_value('{"a": 1}') == {"a": 1} and sql.json_value({"a": 1}) == {"a": 1}
    assert sql.fetch_one("SELECT id FROM customers_customer WHERE email = %s", ["none"]) is None
    assert (
        sql.execute("UPDATE customers_customer SET name = %s WHERE email = %s", ["E", "d@x.in"])
        == 1
    )


def test_insert_from_composes_a_with_statement_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("data-modifying WITH is PostgreSQL's (SQLite runs the plain INSERTs)")
    first, first_params = sql.insert_statement(Customer, [{"email": "f@x.in", "name": "F"}])
    events, event_params = sql.insert_from(
        OutboxEvent,
        [{"event_type": "customer.made", "aggregate_type": "c", "payload": {}}] * 2,
        source="made",
        columns={"aggregate_id": "id"},
        returning=(),
    )
    statement = f"WITH made AS ({first}), told AS ({events}) SELECT id FROM made"
    [(pk,)] = sql.fetch_all(statement, first_params + event_params)
    assert Customer.objects.get(pk=pk).email == "f@x.in"
    # The id read from the CTE becomes text by PostgreSQL's assignment cast.
    assert list(OutboxEvent.objects.values_list("aggregate_id", flat=True)) == [str(pk)] * 2
