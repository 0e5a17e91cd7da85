"""Storefront catalog API: what a shopper sees, in which currency, in which order."""

from __future__ import annotations

from typing import Any

import pytest

from haat.catalog import pricing, services, taxonomy
from haat.catalog.models import Product
from haat.catalog.pricing import PriceInput
from haat.core.money import Money

pytestmark = pytest.mark.django_db

URL = "/api/v1/store/"


def prices(**by_currency: str | tuple[str, str]) -> list[PriceInput]:
    """prices(INR="499", USD=("9.99", "12.00")) -> PriceInputs (amount, compare-at)."""
    out = []
    for cur, value in by_currency.items():
        amount, compare = value if isinstance(value, tuple) else (value, None)
        out.append(
            PriceInput(
                Money.from_decimal(amount, cur),
                Money.from_decimal(compare, cur) if compare else None,
            )
        )
    return out


def shop_product(
    title: str,
    *variant_prices: list[PriceInput],
    status: str = "active",
    sku: str | None = None,
    **fields: Any,
) -> Product:
    """An active product with one variant per price list (sizes S, M, L…)."""
    product = services.create_product(title=title, status=status, **fields)
    sizes = ["S", "M", "L", "XL", "XXL"][: len(variant_prices)]
    if len(variant_prices) > 1:
        services.set_product_options(product=product, options=[("Size", sizes)])
    for i, plist in enumerate(variant_prices):
        services.create_variant(
            product=product,
            sku=f"{sku or product.slug}-{i}",
            option_values={"Size": sizes[i]} if len(variant_prices) > 1 else None,
            prices=plist,
        )
    return product


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


@pytest.fixture
def catalog(currencies):
    currencies("USD")
    apparel = taxonomy.create_category(name="Apparel")
    kurtas = taxonomy.create_category(name="Kurtas", parent_id=apparel.id)
    decor = taxonomy.create_category(name="Decor")
    festive = taxonomy.create_collection(name="Festive")
    hidden = taxonomy.create_collection(name="Hidden", is_published=False)
    kurta = shop_product(
        "Indigo Kurta",
        prices(INR=("1299", "1599"), USD="19.99"),
        prices(INR="1499"),
        brand="Jaipur Looms",
        description="Hand-block printed cotton.",
        category_ids=[kurtas.id],
    )
    lamp = shop_product(
        "Brass Lamp",
        prices(INR="499.50"),
        category_ids=[decor.id],
        availability="ships_4_7_days",
        expected_days=6,
    )
    rug = shop_product(
        "Jute Rug", prices(INR="2999", USD="49"), category_ids=[decor.id], availability="pre_order"
    )
    draft = shop_product("Secret Sari", prices(INR="999"), status="draft")
    taxonomy.set_collection_products(collection=festive, product_ids=[rug.id, kurta.id])
    taxonomy.set_collection_products(collection=hidden, product_ids=[lamp.id])
    return {
        "kurta": kurta,
        "lamp": lamp,
        "rug": rug,
        "draft": draft,
        "apparel": apparel,
        "kurtas": kurtas,
        "festive": festive,
    }


def test_store_endpoints_need_a_publishable_key(client, catalog, admin_api):
    for path in ("products", "products/indigo-kurta", "categories", "collections"):
        response = client.get(URL + path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    # A secret admin key is not a storefront key either.
    staff = admin_api("owner")
    assert staff.get(URL + "products").status_code == 401


def test_list_shows_only_active_products_priced_in_currency(store_api, catalog):
    assert slugs(store_api.get(URL + "products")) == ["jute-rug", "brass-lamp", "indigo-kurta"]
    # Only kurta and rug have a USD price; the lamp is not for sale in USD.
    assert slugs(store_api.get(URL + "products", {"currency": "usd"})) == [
        "jute-rug",
        "indigo-kurta",
    ]


def test_list_item_shape(store_api, catalog):
    body = store_api.get(URL + "products", {"q": "kurta"}).json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["price_min"] == {"amount": 129900, "currency": "INR", "formatted": "₹1,299.00"}
    assert item["price_max"]["amount"] == 149900
    assert item["compare_at"]["amount"] == 159900
    assert item["availability"] == "in_stock"
    assert item["availability_label"] == "In stock"
    assert item["brand"] == "Jaipur Looms"
    assert item["categories"] == [{"id": catalog["kurtas"].id, "slug": "kurtas", "name": "Kurtas"}]
    assert item["image"] is None
    lamp = store_api.get(URL + "products", {"q": "lamp"}).json()["items"][0]
    assert lamp["compare_at"] is None
    assert lamp["expected_days"] == 6
    assert lamp["availability_label"] == "Ships in 4–7 days"


def test_prices_are_in_the_requested_currency(store_api, catalog):
    item = store_api.get(URL + "products", {"currency": "USD", "q": "kurta"}).json()["items"][0]
    # Only the S variant has a USD price: the range is that one price, never converted.
    assert item["price_min"] == {"amount": 1999, "currency": "USD", "formatted": "$19.99"}
    assert item["price_max"]["amount"] == 1999
    assert item["compare_at"] is None


@pytest.mark.parametrize(
    ("currency", "code"), [("XYZ", "unknown_currency"), ("EUR", "currency_disabled")]
)
def test_unknown_or_disabled_currency_is_422(store_api, catalog, currency, code):
    # The same status and code as in a cart's body (docs/api.md: 400 vs 422).
    for path in ("products", "products/indigo-kurta"):
        response = store_api.get(URL + path, {"currency": currency})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == code and error["details"]["field"] == "currency"
        assert currency in error["message"]


def test_filter_by_category_includes_descendants(store_api, catalog):
    assert slugs(store_api.get(URL + "products", {"category": "apparel"})) == ["indigo-kurta"]
    assert slugs(store_api.get(URL + "products", {"category": "decor"})) == [
        "jute-rug",
        "brass-lamp",
    ]
    assert slugs(store_api.get(URL + "products", {"category": "nope"})) == []


def test_filter_by_collection_only_published_and_in_collection_order(store_api, catalog):
    assert slugs(store_api.get(URL + "products", {"collection": "festive"})) == [
        "jute-rug",
        "indigo-kurta",
    ]
    sorted_by_title = {"collection": "festive", "sort": "title"}
    assert slugs(store_api.get(URL + "products", sorted_by_title)) == ["indigo-kurta", "jute-rug"]
    assert slugs(store_api.get(URL + "products", {"collection": "hidden"})) == []


def test_text_search_is_case_insensitive_over_title_brand_description(store_api, catalog):
    assert slugs(store_api.get(URL + "products", {"q": "JAIPUR"})) == ["indigo-kurta"]
    assert slugs(store_api.get(URL + "products", {"q": "block print"})) == ["indigo-kurta"]
    assert slugs(store_api.get(URL + "products", {"q": "brass"})) == ["brass-lamp"]
    assert slugs(store_api.get(URL + "products", {"q": "secret"})) == []


def test_filter_by_availability_accepts_several(store_api, catalog):
    query = "?availability=pre_order&availability=ships_4_7_days"
    assert slugs(store_api.get(URL + "products" + query)) == ["jute-rug", "brass-lamp"]
    response = store_api.get(URL + "products", {"availability": "sold_out"})
    assert response.status_code == 422
    assert "availability" in response.json()["error"]["message"]


def test_filter_by_price_in_major_units(store_api, catalog):
    def between(**params: str) -> list[str]:
        return slugs(store_api.get(URL + "products", {**params, "sort": "price_asc"}))

    assert between(min_price="499.50", max_price="1299") == ["brass-lamp", "indigo-kurta"]
    assert between(min_price="499.51") == ["indigo-kurta", "jute-rug"]
    assert between(max_price="499") == []
    assert between(min_price="19", max_price="20", currency="USD") == ["indigo-kurta"]


@pytest.mark.parametrize("bad", ["abc", "12.345", "-5", "NaN"])
def test_bad_price_bound_is_422_naming_the_field(store_api, catalog, bad):
    response = store_api.get(URL + "products", {"min_price": bad})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["field"] == "min_price"
    assert "min_price" in error["message"]


def test_sorts(store_api, catalog):
    def order(sort: str) -> list[str]:
        return slugs(store_api.get(URL + "products", {"sort": sort}))

    assert order("newest") == ["jute-rug", "brass-lamp", "indigo-kurta"]
    assert order("price_asc") == ["brass-lamp", "indigo-kurta", "jute-rug"]
    assert order("price_desc") == ["jute-rug", "indigo-kurta", "brass-lamp"]
    assert order("title") == ["brass-lamp", "indigo-kurta", "jute-rug"]
    assert store_api.get(URL + "products", {"sort": "cheapest"}).status_code == 422


def test_price_sort_follows_price_changes(store_api, catalog):
    lamp_variant = catalog["lamp"].variants.get()
    pricing.set_variant_prices(variant=lamp_variant, prices=prices(INR="5000"))
    assert slugs(store_api.get(URL + "products", {"sort": "price_asc"})) == [
        "indigo-kurta",
        "jute-rug",
        "brass-lamp",
    ]


def test_pagination(store_api, catalog):
    body = store_api.get(URL + "products", {"page_size": 2, "page": 2}).json()
    assert body["count"] == 3 and body["pages"] == 2
    assert [i["slug"] for i in body["items"]] == ["indigo-kurta"]
    assert store_api.get(URL + "products", {"page_size": 101}).status_code == 422


def test_product_detail(store_api, catalog):
    response = store_api.get(URL + "products/indigo-kurta")
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Hand-block printed cotton."
    assert body["seo_title"] == "Indigo Kurta"
    assert body["options"] == [{"name": "Size", "values": ["S", "M"]}]
    assert [(v["sku"], v["option_values"], v["price"]["amount"]) for v in body["variants"]] == [
        ("indigo-kurta-0", {"Size": "S"}, 129900),
        ("indigo-kurta-1", {"Size": "M"}, 149900),
    ]
    assert body["variants"][0]["compare_at"]["formatted"] == "₹1,599.00"
    assert body["variants"][1]["compare_at"] is None
    assert body["collections"] == [
        {"id": catalog["festive"].id, "slug": "festive", "name": "Festive"}
    ]
    assert body["categories"][0]["slug"] == "kurtas"
    assert body["images"] == []


def test_detail_in_other_currency_lists_only_variants_priced_in_it(store_api, catalog):
    body = store_api.get(URL + "products/indigo-kurta", {"currency": "USD"}).json()
    assert [v["sku"] for v in body["variants"]] == ["indigo-kurta-0"]
    assert body["variants"][0]["price"]["currency"] == "USD"


def test_detail_hides_inactive_variants(store_api, catalog):
    services.update_variant(
        variant=catalog["kurta"].variants.get(sku="indigo-kurta-0"), is_active=False
    )
    body = store_api.get(URL + "products/indigo-kurta").json()
    assert [v["sku"] for v in body["variants"]] == ["indigo-kurta-1"]
    assert body["price_min"]["amount"] == 149900


@pytest.mark.parametrize("slug", ["secret-sari", "no-such-thing"])
def test_detail_404_for_unknown_or_draft(store_api, catalog, slug):
    response = store_api.get(URL + f"products/{slug}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_archived_and_unpriced_products_are_404(store_api, catalog):
    services.update_product(product=catalog["rug"], status="archived")
    assert store_api.get(URL + "products/jute-rug").status_code == 404
    assert "jute-rug" not in slugs(store_api.get(URL + "products"))
    # The lamp has no USD price: not for sale in USD.
    assert store_api.get(URL + "products/brass-lamp", {"currency": "USD"}).status_code == 404


def test_category_tree(store_api, catalog):
    response = store_api.get(URL + "categories")
    assert response.status_code == 200
    tree = response.json()
    names = {node["slug"]: node for node in tree}
    assert set(names) == {"apparel", "decor"}
    assert [c["slug"] for c in names["apparel"]["children"]] == ["kurtas"]
    assert names["decor"]["children"] == []


def test_collections_only_published(store_api, catalog):
    body = store_api.get(URL + "collections").json()
    assert [c["slug"] for c in body["items"]] == ["festive"]
    detail = store_api.get(URL + "collections/festive")
    assert detail.status_code == 200 and detail.json()["name"] == "Festive"
    assert store_api.get(URL + "collections/hidden").status_code == 404
