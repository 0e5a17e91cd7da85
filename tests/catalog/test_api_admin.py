"""Admin catalog API: each endpoint's happy path, strict input, conflicts, roles."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from haat.catalog import services, taxonomy
from haat.catalog.models import (
    Category,
    Collection,
    PriceHistory,
    Product,
    ProductImage,
    Variant,
    VariantPrice,
)
from haat.core.models import AuditLogEntry
from tests.catalog.test_api_store import prices, shop_product

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/"


def png(size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buf, format="PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def upload(api: Any, path: str, **data: Any):
    return api.client.post(URL + path, data=data, headers=api.headers)


def error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def owner_api(admin_api):
    return admin_api("owner")


@pytest.fixture
def kurta(currencies):
    currencies("USD")
    return shop_product("Indigo Kurta", prices(INR="1299"), prices(INR="1499"), sku="KUR")


# --- products -----------------------------------------------------------------------
def test_product_crud(owner_api):
    cat = taxonomy.create_category(name="Kurtas")
    created = owner_api.post(
        URL + "products",
        {"title": "Silk Sari", "brand": "Kanchi", "category_ids": [cat.id], "status": "active"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["slug"], body["status"], body["variant_count"]) == ("silk-sari", "active", 0)
    assert body["categories"] == [{"id": cat.id, "slug": "kurtas", "name": "Kurtas"}]
    pid = body["id"]
    assert owner_api.get(URL + f"products/{pid}").json()["brand"] == "Kanchi"

    patched = owner_api.patch(URL + f"products/{pid}", {"seo_title": "Kanchi silk", "brand": ""})
    assert patched.status_code == 200
    assert (patched.json()["seo_title"], patched.json()["brand"]) == ("Kanchi silk", "")
    assert patched.json()["title"] == "Silk Sari"  # untouched
    assert AuditLogEntry.objects.filter(action="product.update", object_id=str(pid)).exists()

    assert owner_api.delete(URL + f"products/{pid}").status_code == 204
    assert error(owner_api.get(URL + f"products/{pid}"), 404)["code"] == "not_found"


def test_product_list_filters(owner_api, kurta):
    cat = taxonomy.create_category(name="Decor")
    col = taxonomy.create_collection(name="Gifts")
    lamp = services.create_product(
        title="Brass Lamp",
        status="draft",
        category_ids=[cat.id],
        collection_ids=[col.id],
        availability="pre_order",
    )

    def ids(**params: Any) -> list[int]:
        response = owner_api.get(URL + "products", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [lamp.id, kurta.id]
    assert ids(status="active") == [kurta.id]
    assert ids(q="brass") == [lamp.id]
    assert ids(category=cat.id) == ids(collection=col.id) == [lamp.id]
    assert ids(availability="in_stock") == [kurta.id]
    first = owner_api.get(URL + "products", {"q": "kurta"}).json()["items"][0]
    assert first["variant_count"] == 2
    assert owner_api.get(URL + "products", {"status": "gone"}).status_code == 422


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": 123}, "title"),
        ({"title": "X", "colour": "red"}, "colour"),
        ({"title": "X", "status": "live"}, "status"),
        ({"title": "X", "category_ids": ["1"]}, "category_ids"),
        ({"title": "X", "category_ids": [True]}, "category_ids"),
        ({"title": "X", "expected_days": 2.5}, "expected_days"),
        ({"title": "X", "seo_title": "t" * 71}, "seo_title"),
        ({"title": "X", "slug": "Not A Slug"}, "slug"),
        ({"title": None}, "title"),
    ],
)
def test_create_product_rejects_bad_input(owner_api, payload, field):
    err = error(owner_api.post(URL + "products", payload), 422)
    assert field in err["message"]
    assert Product.objects.count() == 0


def test_create_product_with_unknown_category_changes_nothing(owner_api):
    err = error(owner_api.post(URL + "products", {"title": "X", "category_ids": [999]}), 422)
    assert err["details"]["field"] == "category_ids"
    assert Product.objects.count() == 0


def test_duplicate_slug_is_409(owner_api, kurta):
    err = error(owner_api.post(URL + "products", {"title": "X", "slug": "indigo-kurta"}), 409)
    assert err["code"] == "duplicate_slug"
    assert Product.objects.count() == 1
    other = services.create_product(title="Other")
    error(owner_api.patch(URL + f"products/{other.id}", {"slug": "indigo-kurta"}), 409)
    assert Product.objects.get(pk=other.pk).slug == "other"


def test_patch_rejects_null_for_required_fields(owner_api, kurta):
    err = error(owner_api.patch(URL + f"products/{kurta.id}", {"title": None}), 422)
    assert "title" in err["message"]
    assert Product.objects.get(pk=kurta.pk).title == "Indigo Kurta"


def test_unknown_ids_are_404(owner_api):
    for method, path in [
        ("get", "products/999"),
        ("patch", "variants/999"),
        ("delete", "images/999"),
        ("get", "categories/999"),
        ("get", "collections/999"),
    ]:
        kwargs = {"data": {}} if method == "patch" else {}
        assert getattr(owner_api, method)(URL + path, **kwargs).status_code == 404, path


# --- options, variants, prices ------------------------------------------------------
def test_options_and_variants(owner_api, kurta):
    options = owner_api.put(
        URL + f"products/{kurta.id}/options",
        {"options": [{"name": "Size", "values": ["S", "M", "L"]}]},
    )
    assert options.status_code == 200, options.content
    assert options.json()["options"] == [{"name": "Size", "values": ["S", "M", "L"]}]
    created = owner_api.post(
        URL + f"products/{kurta.id}/variants",
        {
            "sku": "KUR-L",
            "option_values": {"Size": "L"},
            "weight_grams": 250,
            "cost_amount": 40000,
            "prices": [{"currency": "INR", "amount": 159900, "compare_at_amount": 199900}],
        },
    )
    assert created.status_code == 201, created.content
    variant = created.json()
    assert variant["cost_amount"] == 40000 and variant["cost_currency"] == "INR"
    assert variant["prices"][0]["formatted"] == "₹1,599.00"
    patched = owner_api.patch(URL + f"variants/{variant['id']}", {"is_active": False})
    assert patched.json()["is_active"] is False
    assert owner_api.delete(URL + f"variants/{variant['id']}").status_code == 204
    assert not Variant.objects.filter(sku="KUR-L").exists()


def test_duplicate_sku_is_409_and_changes_nothing(owner_api, kurta):
    other = services.create_product(title="Plain Tee")
    err = error(owner_api.post(URL + f"products/{other.id}/variants", {"sku": "KUR-0"}), 409)
    assert err["code"] == "duplicate_sku"
    assert Variant.objects.count() == 2


def test_set_prices_and_history(owner_api, kurta):
    variant = kurta.variants.get(sku="KUR-0")
    response = owner_api.put(
        URL + f"variants/{variant.id}/prices",
        [
            {"currency": "INR", "amount": 99900, "compare_at_amount": 129900},
            {"currency": "usd", "amount": 1500},
        ],
    )
    assert response.status_code == 200, response.content
    assert [(p["currency"], p["amount"], p["compare_at_amount"]) for p in response.json()] == [
        ("INR", 99900, 129900),
        ("USD", 1500, None),
    ]
    removed = owner_api.delete(URL + f"variants/{variant.id}/prices/usd")
    assert [p["currency"] for p in removed.json()] == ["INR"]
    history = owner_api.get(URL + f"variants/{variant.id}/price-history").json()
    rows = [(h["currency"], h["old_amount"], h["new_amount"]) for h in history["items"]]
    assert ("INR", 129900, 99900) in rows and ("USD", 1500, None) in rows
    assert rows[0] == ("USD", 1500, None)  # newest first: the removal
    assert history["count"] == len(rows)


def test_price_history_of_unknown_variant_is_404(owner_api):
    response = owner_api.get(URL + "variants/999999/price-history")
    assert response.status_code == 404
    assert response.json()["error"]["details"] == {"id": 999999}


@pytest.mark.parametrize(
    ("price", "status"),
    [
        ({"currency": "INR", "amount": 12.5}, 422),
        ({"currency": "INR", "amount": "1250"}, 422),
        ({"currency": "INR", "amount": True}, 422),
        ({"currency": "INR"}, 422),
        ({"currency": "INR", "amount": -100}, 422),
        ({"currency": "INR", "amount": 10**13}, 422),
        ({"currency": "INR", "amount": 10**18}, 422),
        ({"currency": "INR", "amount": 500, "compare_at_amount": 400}, 422),
        ({"currency": "EUR", "amount": 500}, 422),
        ({"currency": "XXQ", "amount": 500}, 422),
        ({"currency": "INR", "amount": 500, "note": "x"}, 422),
    ],
)
def test_bad_prices_change_nothing(owner_api, kurta, price, status):
    variant = kurta.variants.get(sku="KUR-0")
    before = list(VariantPrice.objects.values_list("variant_id", "currency_id", "amount"))
    history = PriceHistory.objects.count()
    body = [{"currency": "USD", "amount": 1999}, price]  # a good one too: all or nothing
    response = owner_api.put(URL + f"variants/{variant.id}/prices", body)
    assert response.status_code == status, response.content
    assert list(VariantPrice.objects.values_list("variant_id", "currency_id", "amount")) == before
    assert PriceHistory.objects.count() == history


def test_disabled_currency_names_it(owner_api, kurta):
    variant = kurta.variants.get(sku="KUR-0")
    err = error(
        owner_api.put(URL + f"variants/{variant.id}/prices", [{"currency": "EUR", "amount": 1}]),
        422,
    )
    assert err["code"] == "currency_disabled" and "EUR" in err["message"]


# --- images -------------------------------------------------------------------------
def test_image_upload_update_reorder_delete(owner_api, kurta):
    first = upload(
        owner_api, f"products/{kurta.id}/images", file=png((1200, 800)), alt_text="Front"
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["alt_text"] == "Front" and (body["width"], body["height"]) == (1200, 800)
    assert set(body["renditions"]) == {"160", "480", "960"}
    assert all(url.endswith(".webp") for url in body["renditions"].values())
    second = upload(owner_api, f"products/{kurta.id}/images", file=png()).json()
    patched = owner_api.patch(URL + f"images/{second['id']}", {"alt_text": "Back"})
    assert patched.json()["alt_text"] == "Back"
    order = owner_api.put(
        URL + f"products/{kurta.id}/images/order", {"image_ids": [second["id"], body["id"]]}
    )
    assert [i["id"] for i in order.json()] == [second["id"], body["id"]]
    assert owner_api.delete(URL + f"images/{body['id']}").status_code == 204
    assert list(ProductImage.objects.values_list("id", flat=True)) == [second["id"]]


def test_non_image_upload_is_422_and_stores_nothing(owner_api, kurta):
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not an image", content_type="image/png")
    err = error(upload(owner_api, f"products/{kurta.id}/images", file=fake), 422)
    assert err["details"]["field"] == "image"
    assert not ProductImage.objects.exists()


def test_oversized_upload_is_422(owner_api, kurta):
    with override_settings(HAAT_MAX_IMAGE_BYTES=100):
        err = error(upload(owner_api, f"products/{kurta.id}/images", file=png()), 422)
    assert err["code"] == "file_too_large"
    assert not ProductImage.objects.exists()


def test_upload_without_file_is_422(owner_api, kurta):
    err = error(upload(owner_api, f"products/{kurta.id}/images", alt_text="x"), 422)
    assert "file" in err["message"]


# --- bulk ---------------------------------------------------------------------------
def test_bulk_status_assign_and_prices(owner_api, kurta):
    lamp = shop_product("Brass Lamp", prices(INR="500"), status="draft")
    ids = [kurta.id, lamp.id]
    cat = taxonomy.create_category(name="Sale")
    response = owner_api.post(
        URL + "products/bulk/status", {"product_ids": ids, "status": "archived"}
    )
    assert response.status_code == 200 and response.json()["updated"] == 2
    assert set(Product.objects.values_list("status", flat=True)) == {"archived"}
    response = owner_api.post(
        URL + "products/bulk/assign", {"product_ids": ids, "add_category_ids": [cat.id]}
    )
    assert response.status_code == 200, response.content
    assert cat.products.count() == 2
    response = owner_api.post(
        URL + "products/bulk/prices",
        {"product_ids": ids, "currency": "INR", "mode": "percent", "value": "+10"},
    )
    assert response.status_code == 200 and response.json()["updated"] == 3
    assert sorted(VariantPrice.objects.values_list("amount", flat=True)) == [55000, 142890, 164890]


def test_bulk_price_below_zero_changes_nothing(owner_api, kurta):
    before = sorted(VariantPrice.objects.values_list("amount", flat=True))
    payload = {"product_ids": [kurta.id], "currency": "INR", "mode": "amount", "value": "-2000"}
    error(owner_api.post(URL + "products/bulk/prices", payload), 422)
    bad_type = {**payload, "value": 10}
    assert "value" in error(owner_api.post(URL + "products/bulk/prices", bad_type), 422)["message"]
    assert sorted(VariantPrice.objects.values_list("amount", flat=True)) == before


def test_bulk_price_change_names_unknown_products_and_changes_nothing(owner_api, kurta):
    before = sorted(VariantPrice.objects.values_list("amount", flat=True))
    payload = {"product_ids": [kurta.id, 999999], "currency": "INR", "mode": "set", "value": "1"}
    body = error(owner_api.post(URL + "products/bulk/prices", payload), 422)
    assert body["code"] == "unknown_id"
    assert body["details"] == {"field": "product_ids", "unknown": [999999]}
    assert sorted(VariantPrice.objects.values_list("amount", flat=True)) == before


# --- categories and collections -----------------------------------------------------
def test_category_crud_tree_and_flat(owner_api):
    root = owner_api.post(URL + "categories", {"name": "Apparel"}).json()
    child = owner_api.post(URL + "categories", {"name": "Kurtas", "parent_id": root["id"]})
    assert child.status_code == 201 and child.json()["parent_id"] == root["id"]
    tree = owner_api.get(URL + "categories").json()
    assert [(n["slug"], [c["slug"] for c in n["children"]]) for n in tree] == [
        ("apparel", ["kurtas"])
    ]
    flat = owner_api.get(URL + "categories", {"flat": 1}).json()
    assert [(n["slug"], n["parent_id"]) for n in flat] == [
        ("apparel", None),
        ("kurtas", root["id"]),
    ]
    error(owner_api.post(URL + "categories", {"name": "Dup", "slug": "apparel"}), 409)
    # A parent with children cannot go; nothing is deleted.
    assert owner_api.delete(URL + f"categories/{root['id']}").status_code == 409
    renamed = owner_api.patch(URL + f"categories/{child.json()['id']}", {"name": "Kurtis"})
    assert renamed.json()["name"] == "Kurtis"
    one = owner_api.get(URL + f"categories/{child.json()['id']}").json()
    assert (one["name"], one["parent_id"]) == ("Kurtis", root["id"])
    assert owner_api.delete(URL + f"categories/{child.json()['id']}").status_code == 204
    assert list(Category.objects.values_list("slug", flat=True)) == ["apparel"]


def test_collection_crud_and_members(owner_api, kurta):
    lamp = services.create_product(title="Brass Lamp")
    created = owner_api.post(URL + "collections", {"name": "Gifts", "is_published": False})
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    members = owner_api.put(
        URL + f"collections/{cid}/products", {"product_ids": [lamp.id, kurta.id]}
    )
    assert members.json()["product_ids"] == [lamp.id, kurta.id]
    listed = owner_api.get(URL + "collections").json()
    assert listed["items"][0]["product_ids"] == [lamp.id, kurta.id]
    patched = owner_api.patch(URL + f"collections/{cid}", {"is_published": True})
    assert patched.json()["is_published"] is True
    one = owner_api.get(URL + f"collections/{cid}").json()
    assert (one["name"], one["is_published"], one["product_ids"]) == (
        "Gifts",
        True,
        [lamp.id, kurta.id],
    )
    error(owner_api.patch(URL + f"collections/{cid}", {"is_published": "yes"}), 422)
    assert owner_api.delete(URL + f"collections/{cid}").status_code == 204
    assert not Collection.objects.exists() and Product.objects.count() == 2


# --- CSV ----------------------------------------------------------------------------
def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("catalog.csv", text.encode(), content_type="text/csv")


def test_csv_export_streams_every_variant(owner_api, kurta):
    response = owner_api.get(URL + "catalog/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("product_slug,title")
    assert "price_INR" in lines[0] and "price_USD" in lines[0]
    assert [line.split(",")[0] for line in lines[1:]] == ["indigo-kurta", "indigo-kurta"]


def test_csv_round_trip_import(owner_api, kurta):
    exported = b"".join(owner_api.get(URL + "catalog/export.csv").streaming_content).decode()
    changed = exported.replace("Indigo Kurta", "Indigo Kurta II")
    response = upload(owner_api, "catalog/import", file=csv_file(changed))
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["applied"] is True and report["errors"] == []
    assert report["rows"] == 2 and report["updated_products"] == 1
    assert Product.objects.get().title == "Indigo Kurta II"


def test_csv_import_with_errors_changes_nothing(owner_api, kurta):
    text = "product_slug,title,sku,price_INR\nnew-tee,New Tee,TEE-1,abc\n"
    err = error(upload(owner_api, "catalog/import", file=csv_file(text)), 422)
    assert err["code"] == "import_invalid"
    assert err["details"]["applied"] is False
    row_error = err["details"]["errors"][0]
    assert row_error["row"] == 2 and row_error["column"] == "price_INR"
    assert Product.objects.count() == 1


def test_csv_import_partial_applies_good_rows(owner_api, kurta):
    text = "product_slug,title,sku,price_INR\nnew-tee,New Tee,TEE-1,499\nbad,Bad,TEE-2,abc\n"
    response = upload(owner_api, "catalog/import", file=csv_file(text), partial="true")
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["applied"] is True and report["created_products"] == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "price_INR")]
    assert Product.objects.filter(slug="new-tee").exists()
    assert not Product.objects.filter(slug="bad").exists()


def test_csv_import_needs_import_permission(admin_api, kurta):
    text = "product_slug,title,sku,price_INR\nnew-tee,New Tee,TEE-1,499\n"
    response = upload(admin_api("marketing"), "catalog/import", file=csv_file(text))
    assert error(response, 403)["code"] == "permission_denied"
    assert Product.objects.count() == 1


def test_admin_needs_a_secret_key(client, store_api):
    assert client.get(URL + "products").status_code == 401
    assert store_api.get(URL + "products").status_code == 401
