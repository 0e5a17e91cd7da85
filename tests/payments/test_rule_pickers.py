"""Payment rules pick categories and products by name: the form lists names and sends
ids, the product search finds by title or SKU, and saved rules are shown by name."""

from __future__ import annotations

import re

import pytest

from haat.catalog import taxonomy
from haat.payments.models import PartialCodRule, PaymentMethodRule
from tests.checkout.helpers import make_variant

pytestmark = pytest.mark.django_db
RULES = "/dashboard/payments/rules/"


@pytest.fixture
def catalogue(warehouse):
    sarees = taxonomy.create_category(name="Sarees")
    kurta = make_variant(title="Ajrakh Kurta", sku="AJR-KUR-M")
    mug = make_variant(title="Chai Mug", sku="CHAI-MUG-1")
    return {"sarees": sarees, "kurta": kurta.product, "mug": mug.product}


def test_rule_forms_offer_names_not_id_boxes(staff_client, catalogue):
    html = staff_client("manager").get(RULES).content.decode()
    assert 'placeholder="Category id"' not in html and 'placeholder="Product id"' not in html
    assert not re.search(r'<input[^>]*type="number"[^>]*name="(category|product)_id"', html)
    sarees, kurta = catalogue["sarees"], catalogue["kurta"]
    assert f'<option value="{sarees.pk}">Sarees</option>' in html
    assert f'<option value="{kurta.pk}">Ajrakh Kurta</option>' in html
    assert 'hx-get="/dashboard/payments/rules/targets/"' in html


def test_product_search_finds_by_title_or_sku(staff_client, catalogue):
    client = staff_client("manager")
    by_title = client.get(RULES + "targets/", {"q": "chai"}).content.decode()
    assert "Chai Mug" in by_title and "Ajrakh" not in by_title
    assert f'value="{catalogue["mug"].pk}" selected' in by_title
    by_sku = client.get(RULES + "targets/", {"q": "ajr-kur"}).content.decode()
    assert "Ajrakh Kurta" in by_sku and "Chai" not in by_sku
    none = client.get(RULES + "targets/", {"q": "zzz"}).content.decode()
    assert "No product matches" in none
    assert staff_client("support").get(RULES + "targets/", {"q": "chai"}).status_code == 403


def test_rules_saved_from_picked_names_are_shown_by_name(staff_client, catalogue):
    client = staff_client("manager")
    r = client.post(
        RULES,
        {
            "action": "create_method",
            "payment_type": "cod",
            "effect": "forbid",
            "scope": "product",
            "product_id": str(catalogue["kurta"].pk),
            "q": "ajrakh",
        },
        follow=True,
    )
    html = r.content.decode()
    assert PaymentMethodRule.objects.get().product == catalogue["kurta"]
    assert "Carts with “Ajrakh Kurta”" in html
    r = client.post(
        RULES,
        {
            "action": "create_partial",
            "scope": "category",
            "category_id": str(catalogue["sarees"].pk),
            "currency": "INR",
            "percent": "25",
        },
        follow=True,
    )
    assert PartialCodRule.objects.get().category == catalogue["sarees"]
    assert "Category “Sarees”" in r.content.decode()


def test_a_rule_without_a_pick_says_what_to_pick(staff_client, catalogue):
    r = staff_client("manager").post(
        RULES,
        {"action": "create_method", "payment_type": "cod", "effect": "forbid", "scope": "category"},
        follow=True,
    )
    assert "Pick the category this rule is for." in r.content.decode()
    assert not PaymentMethodRule.objects.exists()


def test_destination_rules_are_shown_by_place_name(staff_client, catalogue):
    client = staff_client("manager")
    for scope, field, value in (("state", "state_code", "KA"), ("country", "country", "AE")):
        client.post(
            RULES,
            {
                "action": "create_method",
                "payment_type": "cod",
                "effect": "forbid",
                "scope": scope,
                field: value,
            },
        )
    html = client.get(RULES).content.decode()
    assert "Deliveries to Karnataka" in html and "Deliveries to United Arab Emirates" in html


def _error_of(html: str, form: str, field: str) -> str:
    """The message shown under `field` of the rule form `form` ("" if none)."""
    found = re.search(
        rf'<small class="field-error" id="{form}-{field}-error"[^>]*>([^<]*)</small>', html
    )
    return found.group(1) if found else ""


def test_a_refused_partial_rule_shows_its_error_next_to_the_field(staff_client, catalogue):
    r = staff_client("manager").post(
        RULES,
        {
            "action": "create_partial",
            "scope": "category",
            "category_id": str(catalogue["sarees"].pk),
            "currency": "INR",
            "percent": "20",
            "min_order_value": "5000",
            "max_order_value": "1000",
        },
    )
    assert r.status_code == 422
    html = r.content.decode()
    message = "The maximum order value must be above the minimum."
    assert _error_of(html, "partial", "max_order_value") == message
    assert 'class="flash' not in html  # not (only) a message at the top of the page
    # What was typed stays, and the field is marked for assistive technology.
    assert re.search(r'name="max_order_value"[^>]*value="1000"[^>]*aria-invalid="true"', html)
    assert 'value="5000"' in html
    assert f'<option value="{catalogue["sarees"].pk}" selected>Sarees</option>' in html
    assert not PartialCodRule.objects.exists()


def test_a_refused_method_rule_shows_its_error_next_to_the_field(staff_client, catalogue):
    r = staff_client("manager").post(
        RULES,
        {
            "action": "create_method",
            "payment_type": "cod",
            "effect": "forbid",
            "scope": "country",
            "country": "XX",
            "note": "no COD abroad",
        },
    )
    assert r.status_code == 422
    html = r.content.decode()
    message = "No country has the code “XX”: use two letters, e.g. AE or GB."
    assert _error_of(html, "method", "country") == message
    assert 'value="no COD abroad"' in html
    assert _error_of(html, "partial", "max_order_value") == ""
    assert not PaymentMethodRule.objects.exists()
