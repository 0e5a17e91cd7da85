"""Customer writes used by checkout: match or create a customer, save addresses.

Both are written for the checkout hot path: a constant, small number of queries, and
race-free under concurrent checkouts (the unique e-mail and address fingerprint decide,
through INSERT … ON CONFLICT, instead of a read-then-write).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import connection

from haat.core import sql
from haat.customers.models import Address, Customer
from haat.customers.validation import AddressData, normalize_email, normalize_phone

COLUMNS = ("id", "email", "phone", "name", "created_at", "updated_at")


@dataclass(frozen=True)
class CustomerRecord:
    """A customer as checkout matched or created it (the `COLUMNS` of its row)."""

    id: int
    email: str
    phone: str
    name: str
    created_at: datetime
    updated_at: datetime

    @property
    def pk(self) -> int:
        """The id, named as on a model (callers take either)."""
        return self.id


MATCH_SQL = (
    f"SELECT {', '.join(COLUMNS)} FROM customers_customer "  # noqa: S608 (constant names)
    "WHERE email = %s OR phone = %s ORDER BY CASE WHEN email = %s THEN 0 ELSE 1 END, id LIMIT 1"
)


# Two first-time checkouts with one e-mail at once: the unique e-mail makes the second
# INSERT an update of the same row, so both get the same customer.
UPSERT = "ON CONFLICT (email) DO UPDATE SET updated_at = excluded.updated_at"


def match_or_create_customer(*, email: str, phone: str, name: str = "") -> CustomerRecord:
    """The customer with this e-mail, else the oldest one with this phone, else a new one.

    `email` and `phone` may be raw input; they are validated here (field-named errors).
    """
    email, phone, name = _clean(email, phone, name)
    row = sql.fetch_one(MATCH_SQL, [email, phone, email])
    if row is not None:
        return _complete(_customer(row), phone=phone, name=name)
    [row] = sql.insert_rows(
        Customer,
        [{"email": email, "phone": phone, "name": name}],
        on_conflict=UPSERT,
        returning=COLUMNS,
    )
    return _customer(row)


def customer_for_checkout(
    *, email: str, phone: str, name: str, addresses: list[AddressData]
) -> CustomerRecord:
    """`match_or_create_customer` and `save_addresses` together, in the checkout's
    transaction. On PostgreSQL one statement does both (WITH: match, else insert, then
    the addresses); SQLite, which has no INSERT inside WITH, runs the two."""
    if connection.vendor != "postgresql":
        customer = match_or_create_customer(email=email, phone=phone, name=name)
        save_addresses(customer=customer, addresses=addresses)
        return customer
    email, phone, name = _clean(email, phone, name)
    # Inserted only when nothing matched.
    created_sql, created_params = sql.insert_from(
        Customer,
        [{"email": email, "phone": phone, "name": name}],
        source="(SELECT 1) AS one",
        columns={},
        where="NOT EXISTS (SELECT 1 FROM found)",
        on_conflict=UPSERT,
        returning=COLUMNS,
    )
    saved_sql, saved_params = sql.insert_from(
        Address,
        _address_rows(addresses),
        source="customer",
        columns={"customer_id": "id"},
        on_conflict="ON CONFLICT DO NOTHING",
        returning=(),
    )
    statement = (
        f"WITH found AS ({MATCH_SQL}), created AS ({created_sql}), "  # noqa: S608
        f"customer AS (SELECT * FROM found UNION ALL SELECT * FROM created), "
        f"saved AS ({saved_sql}) SELECT * FROM customer"
    )
    row = sql.fetch_one(statement, [email, phone, email, *created_params, *saved_params])
    return _complete(_customer(row), phone=phone, name=name)


def _clean(email: str, phone: str, name: str) -> tuple[str, str, str]:
    return normalize_email(email), normalize_phone(phone), " ".join(str(name or "").split())[:200]


def _complete(customer: CustomerRecord, *, phone: str, name: str) -> CustomerRecord:
    """A customer found again gets the name and phone they lacked."""
    changes = {}
    if name and not customer.name:
        changes["name"] = name
    if not customer.phone:
        changes["phone"] = phone
    if changes:
        Customer.objects.filter(pk=customer.id).update(**changes)
        customer = replace(customer, **changes)
    return customer


def _customer(row: tuple) -> CustomerRecord:
    pk, email, phone, name, created_at, updated_at = row
    return CustomerRecord(
        pk, email, phone, name, sql.datetime_value(created_at), sql.datetime_value(updated_at)
    )


def save_addresses(*, customer: CustomerRecord, addresses: list[AddressData]) -> None:
    """Remember each distinct address once per customer (one INSERT, duplicates ignored)."""
    rows = [{**row, "customer_id": customer.id} for row in _address_rows(addresses)]
    sql.insert_rows(Address, rows, on_conflict="ON CONFLICT DO NOTHING", returning=())


def _address_rows(addresses: list[AddressData]) -> list[dict[str, Any]]:
    """One row per distinct address (by fingerprint), without the customer."""
    rows = {
        data.fingerprint: {"fingerprint": data.fingerprint, **data.as_dict()} for data in addresses
    }
    return list(rows.values())
