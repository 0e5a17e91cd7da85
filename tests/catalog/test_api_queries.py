"""Cross-cutting guards: query counts of hot endpoints, the role matrix, OpenAPI docs.

A list must cost the same number of queries for 1 item as for 50, and a product page
the same for 1 variant as for 5: anything else is an N+1 waiting for a sale day.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from haat.accounts.roles import PERMISSIONS, Perm, Role
from haat.catalog import images, services, taxonomy
from haat.catalog.models import Category, Product, VariantPrice
from tests.catalog.test_api_admin import png, upload
from tests.catalog.test_api_store import prices, shop_product

pytestmark = pytest.mark.django_db

ADMIN = "/api/v1/admin/"


def tiny_png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def count_queries(call) -> int:
    """Queries of one request, after a warm-up (the key's last-used stamp is throttled)."""
    call()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.fixture
def many_products(currencies):
    currencies("USD")
    cats = [taxonomy.create_category(name=f"Cat {i}") for i in range(3)]
    festive = taxonomy.create_collection(name="Festive")
    made = []
    for i in range(55):
        product = shop_product(
            f"Product {i:02d}",
            prices(INR=(f"{100 + i}", f"{200 + i}"), USD="5"),
            prices(INR=f"{150 + i}"),
            category_ids=[cats[i % 3].id, cats[(i + 1) % 3].id],
        )
        images.add_product_image(product=product, upload=tiny_png(), alt_text=f"P{i}")
        made.append(product)
    taxonomy.set_collection_products(collection=festive, product_ids=[p.id for p in made])
    return made


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "price_asc", "currency": "USD"},
        {"category": "cat-1", "min_price": "100", "max_price": "500"},
        {"collection": "festive", "q": "product", "availability": "in_stock"},
    ],
)
def test_store_list_queries_do_not_grow_with_page_size(store_api, many_products, params):
    def page(size: int):
        return lambda: store_api.get("/api/v1/store/products", {**params, "page_size": size})

    small, large = count_queries(page(1)), count_queries(page(50))
    # key, currency, count, page, images, categories, 2 for compare-at, the page's stock
    # states (+1 category tree)
    assert small == large <= 9
    body = store_api.get("/api/v1/store/products", {**params, "page_size": 50}).json()
    assert len(body["items"]) == min(50, body["count"]) > 30
    assert all(item["image"] and item["categories"] for item in body["items"])


def test_store_detail_queries_do_not_grow_with_variants(store_api, currencies):
    currencies("USD")
    one = shop_product("One", prices(INR="100"))
    many = shop_product("Many", *[prices(INR=f"{100 + i}", USD="3") for i in range(5)])
    for product in (one, many):
        images.add_product_image(product=product, upload=tiny_png())
        images.add_product_image(product=product, upload=tiny_png())
        festive = taxonomy.create_collection(name=f"Festive {product.slug}")
        services.update_product(product=product, collection_ids=[festive.id])
    small = count_queries(lambda: store_api.get("/api/v1/store/products/one"))
    large = count_queries(lambda: store_api.get("/api/v1/store/products/many"))
    assert small == large <= 8
    assert len(store_api.get("/api/v1/store/products/many").json()["variants"]) == 5


def test_admin_list_queries_do_not_grow_with_page_size(admin_api, many_products):
    api = admin_api("owner")
    small = count_queries(lambda: api.get("/api/v1/admin/products", {"page_size": 1}))
    large = count_queries(lambda: api.get("/api/v1/admin/products", {"page_size": 50}))
    assert small == large


def test_every_catalog_endpoint_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    catalog_ops = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if any(tag.endswith("catalog") for tag in op.get("tags", []))
    ]
    assert len(catalog_ops) >= 35
    for path, method, op in catalog_ops:
        assert op.get("summary") and op.get("description"), (method, path)
        assert op["responses"], (method, path)
    product_in = schema["components"]["schemas"]["ProductCreateIn"]
    assert product_in["additionalProperties"] is False
    assert "title" in product_in["required"]


# --- roles --------------------------------------------------------------------------
def _calls(kurta: Product) -> dict[str, Any]:
    variant = kurta.variants.get(sku="KUR-0")
    return {
        Perm.CATALOG_VIEW: lambda api: api.get(ADMIN + "products"),
        Perm.CATALOG_EDIT: lambda api: api.patch(ADMIN + f"products/{kurta.id}", {"brand": "B"}),
        Perm.PRICES_EDIT: lambda api: api.put(
            ADMIN + f"variants/{variant.id}/prices", [{"currency": "INR", "amount": 100}]
        ),
        Perm.CATALOG_IMPORT: lambda api: api.get(ADMIN + "catalog/export.csv"),
    }


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(admin_api, kurta, role):
    api = admin_api(role)
    for perm, call in _calls(kurta).items():
        response = call(api)
        allowed = perm in PERMISSIONS[role]
        assert response.status_code == (200 if allowed else 403), (role, perm, response.content)
        if not allowed:
            assert response.json()["error"]["code"] == "permission_denied"
    # The brief's expectations, spelled out.
    may_edit = role in (Role.OWNER, Role.MANAGER, Role.MARKETING)
    assert (Perm.CATALOG_EDIT in PERMISSIONS[role]) is may_edit


@pytest.mark.parametrize("role", [Role.FULFILMENT, Role.SUPPORT])
def test_read_only_roles_change_nothing(admin_api, kurta, role):
    api = admin_api(role)
    assert api.post(ADMIN + "products", {"title": "X"}).status_code == 403
    assert api.delete(ADMIN + f"products/{kurta.id}").status_code == 403
    assert api.post(ADMIN + "categories", {"name": "X"}).status_code == 403
    assert upload(api, f"products/{kurta.id}/images", file=png()).status_code == 403
    bulk = {"product_ids": [kurta.id], "currency": "INR", "mode": "set", "value": "1"}
    assert api.post(ADMIN + "products/bulk/prices", bulk).status_code == 403
    assert Product.objects.count() == 1 and not Category.objects.exists()
    assert sorted(VariantPrice.objects.values_list("amount", flat=True)) == [129900, 149900]


@pytest.fixture
def kurta(currencies):
    return shop_product("Indigo Kurta", prices(INR="1299"), prices(INR="1499"), sku="KUR")
