"""Phone, e-mail and address validation; customer matching."""

from __future__ import annotations

import dataclasses

import pytest

from haat.core.errors import ValidationError
from haat.customers.models import Customer
from haat.customers.services import match_or_create_customer
from haat.customers.validation import (
    AddressData,
    normalize_email,
    normalize_phone,
    validate_address,
)

IN_ADDRESS = {
    "name": "Meera",
    "line1": "12 Residency Rd",
    "city": "Bengaluru",
    "state": "KA",
    "postal_code": "560 025",
}


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("98450 12345", "+919845012345"),
        ("+91-98450-12345", "+919845012345"),
        ("098450 12345", "+919845012345"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_phone_numbers_indian_first(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(
    "raw", ["", "12345", "not a phone", "+91 02345 67890", "98450 12345" + " 1" * 100]
)
def test_bad_phone_numbers_name_the_field(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw, field="shipping_address.phone")
    assert exc.value.details["field"] == "shipping_address.phone"


def test_a_number_checked_twice_gives_the_same_answer():
    # The second call is served from the parse cache.
    assert normalize_phone("98450 12345") == normalize_phone("98450 12345") == "+919845012345"
    for _ in range(2):
        with pytest.raises(ValidationError) as exc:
            normalize_phone("12345")
        assert exc.value.code == "invalid_phone"


def test_address_as_dict_names_every_field():
    address = validate_address(
        {
            "name": "Meera",
            "line1": "12 Residency Road",
            "city": "Bengaluru",
            "state": "KA",
            "postal_code": "560025",
            "country": "IN",
        },
        default_phone="+919845012345",
    )
    assert set(address.as_dict()) == {f.name for f in dataclasses.fields(AddressData)}


def test_email_is_lowercased_and_checked():
    assert normalize_email(" Meera@Example.IN ") == "meera@example.in"
    with pytest.raises(ValidationError):
        normalize_email("meera@")


def test_indian_address_pin_and_state_are_normalised():
    a = validate_address(IN_ADDRESS)
    assert (a.state, a.postal_code, a.country) == ("Karnataka", "560025", "IN")
    assert validate_address({**IN_ADDRESS, "state": "orissa"}).state == "Odisha"
    assert validate_address({**IN_ADDRESS, "state": "tamil nadu"}).state == "Tamil Nadu"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postal_code": "012345"}, "postal_code"),
        ({"postal_code": "56002"}, "postal_code"),
        ({"postal_code": ""}, "postal_code"),
        ({"state": "Texas"}, "state"),
        ({"state": ""}, "state"),
        ({"line1": ""}, "line1"),
        ({"name": "x" * 201}, "name"),
        ({"country": "XX"}, "country"),
    ],
)
def test_bad_addresses_name_the_field(change, field):
    with pytest.raises(ValidationError) as exc:
        validate_address({**IN_ADDRESS, **change}, prefix="shipping_address.")
    assert exc.value.details["field"] == f"shipping_address.{field}"


def test_international_address_needs_country_not_pin_or_state():
    a = validate_address(
        {
            "name": "Ann",
            "line1": "1 Baker St",
            "city": "London",
            "postal_code": "NW1 6XE",
            "country": "GB",
        }
    )
    assert (a.country, a.state, a.postal_code) == ("GB", "", "NW1 6XE")


@pytest.mark.django_db
def test_match_by_email_then_phone_else_create():
    a = match_or_create_customer(email="A@x.in", phone="9845012345", name="A")
    assert match_or_create_customer(email="a@x.in", phone="9123456780").pk == a.pk
    assert match_or_create_customer(email="other@x.in", phone="+919845012345").pk == a.pk
    b = match_or_create_customer(email="b@x.in", phone="9000000001")
    assert b.pk != a.pk and Customer.objects.count() == 2
