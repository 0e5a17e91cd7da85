"""Domain errors raised anywhere in an endpoint become the documented JSON body and status."""

from __future__ import annotations

import pytest
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from haat.api.errors import install_error_handlers, schema_field
from haat.core.error_codes import ErrorCode
from haat.core.errors import (
    AuthenticationError,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationError,
    field_path,
)
from haat.core.money import Money
from haat.inventory.error_codes import InventoryError


class ShopError(ErrorCode):
    """A context's enum as a test declares it (outside `haat`, so not in the docs' table)."""

    PRODUCT_NOT_FOUND = "product_not_found", 404, "No such product."


api = NinjaAPI(urls_namespace="test-core-errors")
install_error_handlers(api)

RAISED = {
    "validation": ValidationError("Name is required.", details={"field": "name"}),
    "auth": AuthenticationError("Sign in first."),
    "perm": PermissionDenied("Not for your role."),
    "missing": NotFound("No such product.", code=ShopError.PRODUCT_NOT_FOUND),
    "conflict": Conflict(
        "Only 2 left.", code=InventoryError.OUT_OF_STOCK, details={"available": 2}
    ),
    "slow": RateLimited("Slow down."),
    "base": DomainError("Something is off."),
}


@api.get("/raise/{kind}")
def raise_it(request, kind: str):
    raise RAISED[kind]


@api.get("/money")
def mixed_money(request):
    return {"total": (Money(100, "INR") + Money(100, "USD")).amount}


class Body(Schema):
    quantity: int


@api.post("/typed")
def typed(request, payload: Body):
    return {"ok": payload.quantity}


class Line(Schema):
    variant_id: int
    quantity: int


class Address(Schema):
    postal_code: str


class Order(Schema):
    lines: list[Line]
    shipping_address: Address
    fees: dict[str, int] = {}


@api.post("/nested")
def nested(request, payload: Order, page: int = 1):
    return {"ok": len(payload.lines)}


client = TestClient(api)


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("validation", 422, "invalid"),
        ("auth", 401, "not_authenticated"),
        ("perm", 403, "permission_denied"),
        ("missing", 404, "product_not_found"),
        ("conflict", 409, "out_of_stock"),
        ("slow", 429, "rate_limited"),
        ("base", 400, "error"),
    ],
)
def test_domain_errors_map_to_status_and_body(kind, status, code):
    response = client.get(f"/raise/{kind}")
    assert response.status_code == status
    error = RAISED[kind]
    assert response.json() == {
        "error": {"code": code, "message": error.message, "details": error.details}
    }


@pytest.mark.django_db  # Money reads the Currency rows
def test_error_raised_deep_in_domain_code_is_mapped():
    response = client.get("/money")
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "currency_mismatch"
    assert body["message"] == "Cannot combine INR with USD."
    assert body["details"] == {"currencies": ["INR", "USD"]}


def test_schema_validation_uses_the_same_body():
    response = client.post("/typed", json={"quantity": "many"})
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert body["message"].startswith("quantity:")
    assert body["details"]["fields"][0]["field"] == "quantity"


def test_code_override_is_per_instance():
    assert NotFound("x", code=ShopError.PRODUCT_NOT_FOUND).code == "product_not_found"
    assert NotFound("y").code == "not_found"


def test_field_path_dots_keys_and_brackets_indices():
    assert field_path(["lines", 0, "quantity"]) == "lines[0].quantity"
    assert field_path(["shipping_address", "postal_code"]) == "shipping_address.postal_code"
    assert field_path(["lines", 2]) == "lines[2]"
    assert field_path(["cod_fee", "INR"]) == "cod_fee.INR"
    assert field_path([]) == ""
    assert schema_field(("body", "payload", "lines", 0, "quantity")) == "lines[0].quantity"
    assert schema_field(("query", "page")) == "page"
    assert schema_field(("path", "slug")) == "slug"
    assert schema_field(("form", "note")) == "note"


def test_schema_errors_use_the_one_field_path_style():
    response = client.post(
        "/nested?page=x",
        json={
            "lines": [{"variant_id": 1, "quantity": 1}, {"variant_id": 2, "quantity": "many"}],
            "shipping_address": {"postal_code": 560025},
            "fees": {"INR": "lots"},
        },
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert sorted(f["field"] for f in body["details"]["fields"]) == [
        "fees.INR",
        "lines[1].quantity",
        "page",
        "shipping_address.postal_code",
    ]
    assert not any(".1." in f["field"] for f in body["details"]["fields"])


def test_a_body_that_cannot_be_read_is_400_and_a_refused_one_422():
    unreadable = client.post("/typed", data=b"{not json", content_type="application/json")
    assert unreadable.status_code == 400
    assert unreadable.json()["error"]["code"] == "malformed_request"
    wrong_shape = client.post("/typed", json=[1, 2])
    assert wrong_shape.status_code == 422
    assert wrong_shape.json()["error"]["code"] == "invalid"
