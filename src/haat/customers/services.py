"""Customer writes used by checkout: match or create a customer, save addresses.

Both are written for the checkout hot path: a constant, small number of queries, and
race-free under concurrent checkouts (the unique e-mail and address fingerprint decide,
through INSERT … ON CONFLICT, instead of a read-then-write).
"""

from __future__ import annotations

from haat.core import sql
from haat.customers.models import Address, Customer
from haat.customers.validation import AddressData, normalize_email, normalize_phone

COLUMNS = ("id", "email", "phone", "name", "created_at", "updated_at")
MATCH_SQL = (
    f"SELECT {', '.join(COLUMNS)} FROM customers_customer "  # noqa: S608 (constant names)
    "WHERE email = %s OR phone = %s ORDER BY CASE WHEN email = %s THEN 0 ELSE 1 END, id LIMIT 1"
)


def match_or_create_customer(*, email: str, phone: str, name: str = "") -> Customer:
    """The customer with this e-mail, else the oldest one with this phone, else a new one.

    `email` and `phone` may be raw input; they are validated here (field-named errors).
    """
    email = normalize_email(email)
    phone = normalize_phone(phone)
    name = " ".join(str(name or "").split())[:200]
    row = sql.fetch_one(MATCH_SQL, [email, phone, email])
    if row is not None:
        customer = _customer(row)
        changes = {}
        if name and not customer.name:
            changes["name"] = name
        if not customer.phone:
            changes["phone"] = phone
        if changes:
            Customer.objects.filter(pk=customer.pk).update(**changes)
            for field, value in changes.items():
                setattr(customer, field, value)
        return customer
    # Two first-time checkouts with one e-mail at once: the unique e-mail makes the second
    # INSERT an update of the same row, so both get the same customer.
    [row] = sql.insert_rows(
        Customer,
        [{"email": email, "phone": phone, "name": name}],
        on_conflict="ON CONFLICT (email) DO UPDATE SET updated_at = excluded.updated_at",
        returning=COLUMNS,
    )
    return _customer(row)


def _customer(row: tuple) -> Customer:
    customer = Customer(
        id=row[0],
        email=row[1],
        phone=row[2],
        name=row[3],
        created_at=sql.datetime_value(row[4]),
        updated_at=sql.datetime_value(row[5]),
    )
    customer._state.adding = False
    return customer


def save_addresses(*, customer: Customer, addresses: list[AddressData]) -> None:
    """Remember each distinct address once per customer (one INSERT, duplicates ignored)."""
    rows = {
        data.fingerprint: {
            "customer_id": customer.pk,
            "fingerprint": data.fingerprint,
            **data.as_dict(),
        }
        for data in addresses
    }
    sql.insert_rows(Address, rows.values(), on_conflict="ON CONFLICT DO NOTHING", returning=())
