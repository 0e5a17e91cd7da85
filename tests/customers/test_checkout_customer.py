"""`customer_for_checkout`: match or create the customer and remember the addresses, in
one statement on PostgreSQL and two on SQLite; the same answers on both."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from haat.customers.models import Address, Customer
from haat.customers.services import CustomerRecord, customer_for_checkout
from haat.customers.validation import validate_address
from tests.checkout.helpers import ADDRESS

pytestmark = pytest.mark.django_db

HOME = ADDRESS
OFFICE = {**HOME, "line1": "4 MG Road", "postal_code": "560001"}


def checkout_customer(email, phone, name="", *addresses):
    data = [validate_address(a, default_phone="+919845012345") for a in addresses or (HOME,)]
    with transaction.atomic():
        return customer_for_checkout(email=email, phone=phone, name=name, addresses=data)


def test_a_new_customer_is_created_with_the_addresses_once():
    a = checkout_customer("Meera@Example.in", "98450 12345", "Meera", HOME, OFFICE, HOME)
    row = Customer.objects.get()
    assert (a.pk, a.email, a.phone, a.name) == (
        row.pk,
        "meera@example.in",
        "+919845012345",
        "Meera",
    )
    # Every column of the row, as read back with it: nothing left unloaded.
    assert a == CustomerRecord(
        row.pk, row.email, row.phone, row.name, row.created_at, row.updated_at
    )
    assert sorted(Address.objects.filter(customer_id=a.id).values_list("line1", flat=True)) == [
        "12 Residency Road",
        "4 MG Road",
    ]


def test_matched_by_email_then_by_phone_and_addresses_added():
    a = checkout_customer("a@x.in", "9845012345", "A")
    assert checkout_customer("a@x.in", "9123456780", "", OFFICE).pk == a.pk
    by_phone = checkout_customer("other@x.in", "+919845012345", "", HOME)
    assert by_phone.pk == a.pk and by_phone.email == "a@x.in"
    b = checkout_customer("b@x.in", "9000000001")
    assert b.pk != a.pk and Customer.objects.count() == 2
    assert Address.objects.filter(customer_id=a.id).count() == 2  # HOME once, OFFICE once


def test_the_email_wins_over_an_older_phone_match():
    old = checkout_customer("old@x.in", "9845012345")
    new = checkout_customer("new@x.in", "9123456780")
    assert checkout_customer("new@x.in", "9845012345").pk == new.pk != old.pk


def test_a_found_customer_gets_the_name_and_phone_they_lacked():
    bare = Customer.objects.create(email="bare@x.in", phone="", name="")
    found = checkout_customer("bare@x.in", "9845012345", "Bare Name")
    bare.refresh_from_db()
    assert found.pk == bare.pk
    assert (bare.name, bare.phone) == ("Bare Name", "+919845012345")
    assert (found.name, found.phone) == ("Bare Name", "+919845012345")


def test_statements():
    with CaptureQueriesContext(connection) as ctx:
        checkout_customer("s@x.in", "9845012345", "S", HOME, OFFICE)
    # The test's savepoint aside: one statement on PostgreSQL; match, insert, addresses on SQLite.
    sent = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sent) == (1 if connection.vendor == "postgresql" else 3), sent
