"""Dashboard product list: search, filters, sorting, htmx partials, bulk actions, roles."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.catalog import taxonomy
from haat.catalog.models import Product, VariantPrice
from tests.catalog.domain_helpers import make_product, make_variant, price

pytestmark = pytest.mark.django_db

LIST = "/dashboard/catalog/products/"
BULK = "/dashboard/catalog/products/bulk/"


def titles_in(html: str) -> list[str]:
    return re.findall(r'<td class="title-cell"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def catalog(currencies):
    currencies("USD")
    kurta = make_product("Indigo Kurta", sizes=("S", "M"), brand="Jaipur Looms", status="active")
    make_variant(
        kurta, "KUR-S", price("1299.00"), price("19.00", "USD"), option_values={"Size": "S"}
    )
    make_variant(kurta, "KUR-M", price("1499.00"), option_values={"Size": "M"})
    saree = make_product("Banarasi Saree", brand="Kashi", status="draft")
    make_variant(saree, "SAR-1", price("8999.00"))
    lamp = make_product("Brass Lamp", status="archived", availability="pre_order", expected_days=10)
    return {"kurta": kurta, "saree": saree, "lamp": lamp}


def test_list_shows_products_with_variants_price_range_and_status(staff_client, catalog):
    response = staff_client("owner").get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert set(titles_in(html)) == {"Indigo Kurta", "Banarasi Saree", "Brass Lamp"}
    assert "₹1,299.00 – ₹1,499.00" in html
    assert "₹8,999.00" in html
    assert '<span class="badge badge-active">Active</span>' in html
    assert "No price" in html  # the lamp has no variants
    assert 'id="bulk-form"' in html
    assert "+ Add product" in html


def test_search_by_sku_and_brand(staff_client, catalog):
    client = staff_client("owner")
    assert titles_in(client.get(LIST, {"q": "sar-1"}).content.decode()) == ["Banarasi Saree"]
    assert titles_in(client.get(LIST, {"q": "jaipur"}).content.decode()) == ["Indigo Kurta"]


def test_filters_status_category_collection_availability(staff_client, catalog):
    client = staff_client("owner")
    cat = taxonomy.create_category(name="Apparel")
    col = taxonomy.create_collection(name="Festive", product_ids=[catalog["saree"].pk])
    from haat.catalog import services

    services.update_product(product=catalog["kurta"], category_ids=[cat.pk])
    assert titles_in(client.get(LIST, {"status": "draft"}).content.decode()) == ["Banarasi Saree"]
    assert titles_in(client.get(LIST, {"category": cat.pk}).content.decode()) == ["Indigo Kurta"]
    assert titles_in(client.get(LIST, {"collection": col.pk}).content.decode()) == [
        "Banarasi Saree"
    ]
    html = client.get(LIST, {"availability": "pre_order"}).content.decode()
    assert titles_in(html) == ["Brass Lamp"]
    html = client.get(LIST, {"status": "active", "q": "saree"}).content.decode()
    assert "No products match these filters" in html


def test_sorting_by_title_and_price(staff_client, catalog):
    client = staff_client("owner")
    html = client.get(LIST, {"sort": "title"}).content.decode()
    assert titles_in(html) == ["Banarasi Saree", "Brass Lamp", "Indigo Kurta"]
    html = client.get(LIST, {"sort": "-title"}).content.decode()
    assert titles_in(html) == ["Indigo Kurta", "Brass Lamp", "Banarasi Saree"]
    html = client.get(LIST, {"sort": "-price"}).content.decode()
    assert titles_in(html)[:2] == ["Banarasi Saree", "Indigo Kurta"]


def test_htmx_request_returns_only_the_results_partial(staff_client, catalog):
    response = staff_client("owner").get(
        LIST, {"q": "kurta"}, headers={"HX-Request": "true", "HX-Target": "product-results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="product-table"' in html
    assert titles_in(html) == ["Indigo Kurta"]


def test_pagination_at_fifty_per_page(staff_client):
    for i in range(52):
        make_product(f"Product {i:02d}")
    client = staff_client("owner")
    first = client.get(LIST, {"sort": "title"}).content.decode()
    assert len(titles_in(first)) == 50 and "Page 1 of 2" in first
    second = client.get(LIST, {"sort": "title", "page": 2}).content.decode()
    assert titles_in(second) == ["Product 50", "Product 51"]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_page_size(staff_client, currencies):
    currencies("USD")
    cat = taxonomy.create_category(name="Home")
    first = make_product("P0", sizes=("S", "M"), category_ids=[cat.pk])
    make_variant(first, "P0-S", price("10.00"), option_values={"Size": "S"})
    client = staff_client("owner")
    client.get(LIST)  # warm sessions and content types
    one = _list_queries(client)
    for i in range(1, 30):
        p = make_product(f"P{i}", sizes=("S", "M"), category_ids=[cat.pk])
        make_variant(
            p, f"P{i}-S", price("10.00"), price("1.00", "USD"), option_values={"Size": "S"}
        )
        make_variant(p, f"P{i}-M", price("12.00"), option_values={"Size": "M"})
    thirty = _list_queries(client)
    assert one == thirty


def test_roles_without_edit_see_the_list_but_no_bulk_or_add(staff_client, catalog):
    html = staff_client("support").get(LIST).content.decode()
    assert "Indigo Kurta" in html
    assert 'id="bulk-form"' not in html and "+ Add product" not in html
    assert "Export CSV" not in html  # no catalog.import for support


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/dashboard/login/" in response["Location"]


def test_bulk_status_asks_for_confirmation_then_applies(staff_client, catalog):
    client = staff_client("owner")
    ids = [catalog["saree"].pk, catalog["lamp"].pk]
    data = {"ids": ids, "action": "set_status", "status": "active", "next": LIST + "?q=a"}
    confirm = client.post(BULK, data)
    assert confirm.status_code == 200
    assert "Apply to 2 products" in confirm.content.decode()
    assert Product.objects.filter(status="active").count() == 1  # nothing yet
    done = client.post(BULK, {**data, "confirm": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == LIST + "?q=a"
    assert Product.objects.filter(status="active").count() == 3
    assert "Set status to Active: 2 products changed" in done.content.decode()


def test_bulk_category_and_collection_assignment(staff_client, catalog):
    client = staff_client("marketing")
    cat = taxonomy.create_category(name="Gifts")
    col = taxonomy.create_collection(name="Diwali", product_ids=[catalog["kurta"].pk])
    ids = [catalog["kurta"].pk, catalog["saree"].pk]
    client.post(BULK, {"ids": ids, "action": "add_category", "category": cat.pk, "confirm": "1"})
    assert set(cat.products.values_list("pk", flat=True)) == set(ids)
    client.post(
        BULK, {"ids": ids, "action": "remove_collection", "collection": col.pk, "confirm": "1"}
    )
    assert not col.products.exists()


def test_bulk_price_change_by_percent_with_rounding(staff_client, catalog):
    client = staff_client("owner")
    data = {
        "ids": [catalog["kurta"].pk],
        "action": "change_prices",
        "currency": "INR",
        "mode": "percent",
        "value": "+10",
        "rounding": "end_99",
    }
    confirm = client.post(BULK, data).content.decode()
    assert "INR prices: change by % +10%" in confirm and "1 product" in confirm
    done = client.post(BULK, {**data, "confirm": "1"}, follow=True)
    amounts = sorted(
        VariantPrice.objects.filter(
            variant__product=catalog["kurta"], currency_id="INR"
        ).values_list("amount", flat=True)
    )
    assert amounts == [142899, 164899]  # 1428.90 → 1428.99, 1648.90 → 1648.99
    assert "2 prices changed" in done.content.decode()
    saree = VariantPrice.objects.get(variant__sku="SAR-1")
    assert saree.amount == 899900  # not selected, untouched


def test_bulk_price_change_below_zero_changes_nothing(staff_client, catalog):
    client = staff_client("owner")
    data = {
        "ids": [catalog["kurta"].pk, catalog["saree"].pk],
        "action": "change_prices",
        "currency": "INR",
        "mode": "amount",
        "value": "-2000",
        "confirm": "1",
    }
    before = sorted(VariantPrice.objects.values_list("amount", flat=True))
    response = client.post(BULK, data, follow=True)
    assert "Nothing changed:" in response.content.decode()
    assert sorted(VariantPrice.objects.values_list("amount", flat=True)) == before


def test_bulk_without_selection_or_value_is_refused(staff_client, catalog):
    client = staff_client("owner")
    response = client.post(BULK, {"action": "set_status", "status": "active"}, follow=True)
    assert "Select at least one product." in response.content.decode()
    response = client.post(
        BULK,
        {
            "ids": [catalog["kurta"].pk],
            "action": "change_prices",
            "currency": "INR",
            "mode": "percent",
            "value": "ten",
        },
        follow=True,
    )
    assert "&#x27;ten&#x27; is not a number." in response.content.decode()


def test_bulk_is_forbidden_for_roles_without_edit(staff_client, catalog):
    client = staff_client("fulfilment")
    ids = [catalog["saree"].pk]
    response = client.post(
        BULK, {"ids": ids, "action": "set_status", "status": "active", "confirm": "1"}
    )
    assert response.status_code == 403
    response = client.post(
        BULK,
        {
            "ids": ids,
            "action": "change_prices",
            "currency": "INR",
            "mode": "set",
            "value": "1",
            "confirm": "1",
        },
    )
    assert response.status_code == 403
    assert Product.objects.get(pk=catalog["saree"].pk).status == "draft"
    assert VariantPrice.objects.get(variant__sku="SAR-1").amount == 899900
