"""Dashboard CSV import (all-or-nothing and partial, with a report) and export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haat.catalog.models import Product, Variant
from tests.catalog.domain_helpers import make_product, make_variant, price

pytestmark = pytest.mark.django_db

IMPORT = "/dashboard/catalog/import/"
EXPORT = "/dashboard/catalog/export/"
TEMPLATE = "/dashboard/catalog/import/template.csv"
HEADER = (
    "product_slug,title,description,brand,status,availability,expected_days,seo_title,"
    "seo_description,categories,option1_name,option1_value,option2_name,option2_value,"
    "sku,weight_grams,hsn_code,barcode,cost,price_INR,compare_at_INR"
)


def upload(*rows: str) -> SimpleUploadedFile:
    body = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("catalog.csv", body.encode(), content_type="text/csv")


GOOD = "tote,Canvas Tote,,Haat,active,in_stock,,,,,,,,,TOTE-1,300,4202,,,499.00,"
GOOD_2 = "mug,Clay Mug,,Haat,draft,in_stock,,,,,,,,,MUG-1,,,,,249.00,"
BAD_PRICE = "lamp,Brass Lamp,,Haat,active,in_stock,,,,,,,,,LAMP-1,,,,,12.345,"


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode())))


def test_import_page_offers_modes_template_and_export(staff_client):
    html = staff_client("owner").get(IMPORT).content.decode()
    assert 'value="all"' in html and "checked" in html and 'value="partial"' in html
    assert TEMPLATE in html and EXPORT in html
    # The format says what a blank cell does and how to remove a value.
    assert "A blank cell changes nothing" in html
    assert "put a single <code>-</code> in its cell" in html


def test_import_valid_file_reports_counts(staff_client):
    response = staff_client("owner").post(IMPORT, {"file": upload(GOOD, GOOD_2), "mode": "all"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 new" in html and "Imported" in html
    assert set(Product.objects.values_list("slug", flat=True)) == {"tote", "mug"}
    assert Variant.objects.get(sku="TOTE-1").prices.get().amount == 49900


def test_all_or_nothing_import_with_a_bad_row_writes_nothing(staff_client):
    response = staff_client("owner").post(IMPORT, {"file": upload(GOOD, BAD_PRICE), "mode": "all"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Nothing imported" in html and 'id="import-errors"' in html
    assert '<td class="num">3</td><td><code>price_INR</code></td>' in html
    assert not Product.objects.exists()


def test_partial_import_writes_valid_rows_and_reports_the_rest(staff_client):
    response = staff_client("owner").post(
        IMPORT, {"file": upload(GOOD, BAD_PRICE), "mode": "partial"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Partly imported" in html and "price_INR" in html
    assert list(Product.objects.values_list("slug", flat=True)) == ["tote"]


def test_import_without_a_file_shows_the_form_error(staff_client):
    response = staff_client("owner").post(IMPORT, {"mode": "all"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_export_all_and_filtered(staff_client, currencies):
    currencies("USD")
    kurta = make_product("Indigo Kurta", status="active")
    make_variant(kurta, "KUR-1", price("1299.00"), price("19.00", "USD"))
    saree = make_product("Silk Saree", status="draft")
    make_variant(saree, "SAR-1", price("8999.00"))
    client = staff_client("manager")
    response = client.get(EXPORT)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = read_csv(response)
    assert {r["sku"] for r in rows} == {"KUR-1", "SAR-1"}
    assert next(r for r in rows if r["sku"] == "KUR-1")["price_USD"] == "19.00"
    rows = read_csv(client.get(EXPORT, {"status": "draft"}))
    assert [r["sku"] for r in rows] == ["SAR-1"]


def test_template_is_just_the_header(staff_client, currencies):
    currencies("USD")
    make_product("Kurta")
    response = staff_client("owner").get(TEMPLATE)
    lines = response.content.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("product_slug,title,") and "price_USD" in lines[0]


@pytest.mark.parametrize("role", ["marketing", "support", "fulfilment"])
def test_import_and_export_need_the_import_permission(staff_client, role):
    client = staff_client(role)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": upload(GOOD), "mode": "all"}).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    assert not Product.objects.exists()
