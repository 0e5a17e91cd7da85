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
