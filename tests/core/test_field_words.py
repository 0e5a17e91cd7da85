"""Messages a merchant reads name fields in words; `details["field"]` and the error code,
which API clients read, keep the code's spelling."""

from __future__ import annotations

import pytest

from haat.catalog import services as catalog
from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError
from haat.core.field_words import field_label
from haat.inventory import services as stock
from haat.payments import rules
from tests.inventory.conftest import make_location, make_variant


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("quantity", "Quantity"),
        ("max_order_value", "Maximum order value"),
        ("lines[0].quantity", "Quantity"),
        ("shipping_address.postal_code", "Postal code"),
        ("seo_title", "SEO title"),
        ("hsn_code", "HSN code"),
        ("weight_grams", "Weight"),
    ],
)
def test_field_label(field, words):
    assert field_label(field) == words


@pytest.mark.django_db
def test_stock_quantity_in_words():
    variant, location = make_variant(), make_location("main", name="Main warehouse")
    with pytest.raises(ValidationError) as refused:
        stock.receive_stock(variant_id=variant.pk, location_id=location.pk, quantity=-3)
    assert refused.value.message == "Quantity must be at least 1."
    assert refused.value.code == CoreError.INVALID
    assert refused.value.details == {"field": "quantity"}


@pytest.mark.django_db
def test_stock_below_zero_names_the_location_not_its_code():
    variant, location = make_variant(), make_location("blr-1", name="Bengaluru store")
    stock.receive_stock(variant_id=variant.pk, location_id=location.pk, quantity=2)
    with pytest.raises(ValidationError) as refused:
        stock.adjust_stock(
            variant_id=variant.pk,
            location_id=location.pk,
            quantity=-5,
            reason="write_off",
            note="broken",
        )
    assert refused.value.message.startswith("Stock at Bengaluru store cannot go below zero")
    assert refused.value.details["field"] == "quantity"


@pytest.mark.django_db
def test_payment_rule_messages_in_words():
    with pytest.raises(ValidationError) as refused:
        rules.create_partial_cod_rule(
            data={
                "scope": "store",
                "currency": "INR",
                "percent": 20,
                "min_order_value": 500_000,
                "max_order_value": 100_000,
            }
        )
    assert refused.value.message == "The maximum order value must be above the minimum."
    assert refused.value.details == {"field": "max_order_value"}
    with pytest.raises(ValidationError) as refused:
        rules.create_method_rule(
            data={
                "payment_type": "cod",
                "effect": "forbid",
                "scope": "country",
                "country": "IN",
                "note": "x" * 201,
            }
        )
    assert refused.value.message == "The note must be at most 200 characters."
    assert refused.value.details == {"field": "note"}


@pytest.mark.django_db
def test_catalog_messages_in_words():
    with pytest.raises(ValidationError) as refused:
        catalog.create_product(title="Kurta", seo_title="x" * 71)
    assert refused.value.message == "SEO title must be at most 70 characters."
    assert refused.value.details == {"field": "seo_title"}
    with pytest.raises(ValidationError) as refused:
        catalog.create_product(title="   ")
    assert refused.value.message == "Title is required."
    assert refused.value.code == CoreError.REQUIRED
    assert refused.value.details == {"field": "title"}
