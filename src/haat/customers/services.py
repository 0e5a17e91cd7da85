"""Customer writes used by checkout: match or create a customer, save addresses.

Both are written for the checkout hot path: a constant, small number of queries, and
race-free under concurrent checkouts (the unique e-mail and address fingerprint decide,
through INSERT … ON CONFLICT, instead of a read-then-write).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from haat.customers.models import Address, Customer
from haat.customers.validation import AddressData, normalize_email, normalize_phone


def match_or_create_customer(*, email: str, phone: str, name: str = "") -> Customer:
    """The customer with this e-mail, else the oldest one with this phone, else a new one.

    `email` and `phone` may be raw input; they are validated here (field-named errors).
    """
    email = normalize_email(email)
    phone = normalize_phone(phone)
    name = " ".join(str(name or "").split())[:200]
    customer = (
        Customer.objects.filter(Q(email=email) | Q(phone=phone))
        .annotate(
            rank=Case(
                When(email=email, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("rank", "id")
        .first()
    )
    if customer is not None:
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
    new = Customer(email=email, phone=phone, name=name)
    Customer.objects.bulk_create(
        [new], update_conflicts=True, unique_fields=["email"], update_fields=["updated_at"]
    )
    if new.pk is None:  # a backend that cannot return ids from an upsert
        new = Customer.objects.get(email=email)
    return new


def save_addresses(*, customer: Customer, addresses: list[AddressData]) -> None:
    """Remember each distinct address once per customer (one INSERT, duplicates ignored)."""
    rows = {}
    for data in addresses:
        rows[data.fingerprint] = Address(
            customer=customer, fingerprint=data.fingerprint, **data.as_dict()
        )
    Address.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
