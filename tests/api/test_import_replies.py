"""The 422 bodies of stock bulk, stock import and catalog import are the ones the OpenAPI
document shows: a file or rows with errors answer with the per-row report in its documented
shape (not a bare error body whose details are untyped), and a request that cannot be read
at all with the error body."""

from __future__ import annotations

import io

import pytest

from haat.catalog import services
from haat.inventory.models import Location
from tests.api.openapi import document, problems

pytestmark = pytest.mark.django_db

A = "/api/v1/admin/"


def _422(path: str) -> list[dict]:
    schema = document()["paths"][f"/api/v1/admin/{path}"]["post"]["responses"]["422"]
    documented = schema["content"]["application/json"]["schema"]
    return documented.get("anyOf", [documented])


def _matches(option: dict, body: dict) -> bool:
    return problems(option, body) == []


def _csv(text: str, name: str = "rows.csv") -> io.BytesIO:
    file = io.BytesIO(text.encode())
    file.name = name
    return file


@pytest.fixture
def shop(db):
    product = services.create_product(title="Block Print Kurta", slug="kurta")
    services.create_variant(product=product, sku="KUR-1")
    Location.objects.get_or_create(code="main", defaults={"name": "Main"})


def test_stock_bulk_and_import_422_is_the_documented_row_report(admin_api, shop):
    api = admin_api("owner")
    report, error = (
        {"$ref": "#/components/schemas/BulkReportOut"},
        {"$ref": "#/components/schemas/ErrorOut"},
    )
    for path in ("stock/bulk", "stock/import"):
        assert _422(path) == [report, error], path
    bad = api.post(A + "stock/bulk", {"rows": [{"sku": "NOPE", "location": "main", "on_hand": 1}]})
    assert bad.status_code == 422 and _matches(report, bad.json())
    assert bad.json()["rows"][0] == {
        "row": 1,
        "sku": "NOPE",
        "location": "main",
        "on_hand": 1,
        "previous": None,
        "status": "error",
        "message": "unknown SKU",
    }
    upload = _csv("sku,location,on_hand\nKUR-1,main,3\nKUR-1,nowhere,2\n")
    bad = api.client.post(A + "stock/import", {"file": upload}, headers=api.headers)
    assert bad.status_code == 422 and _matches(report, bad.json())
    assert [(r["row"], r["status"]) for r in bad.json()["rows"]] == [(2, "pending"), (3, "error")]
    # A request that is not a list of rows at all: the error body.
    unread = api.post(A + "stock/bulk", {"rows": []})
    assert unread.status_code == 422 and _matches(error, unread.json())


def test_catalog_import_422_documents_the_report_in_the_error_details(admin_api, shop):
    api = admin_api("owner")
    options = _422("catalog/import")
    typed = {"$ref": "#/components/schemas/ImportInvalidOut"}
    assert typed in options
    upload = _csv("product_slug,title,sku,price_INR\nkurta,Kurta,KUR-1,abc\n")
    bad = api.client.post(A + "catalog/import", {"file": upload}, headers=api.headers)
    assert bad.status_code == 422
    assert _matches(typed, bad.json()), problems(typed, bad.json())
    details = bad.json()["error"]["details"]
    assert details["applied"] is False
    assert [(e["row"], e["column"]) for e in details["errors"]] == [(2, "price_INR")]
