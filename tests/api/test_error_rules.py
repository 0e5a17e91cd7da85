"""The error rules of docs/api.md on real endpoints: one field-path style (`lines[0].quantity`)
and one rule for 400 (cannot be read) vs 422 (read, and a value is refused)."""

from __future__ import annotations

import json

import pytest
from ninja.params.models import Body

from haat.api.api import api
from haat.api.errors import BODY_PARAM
from haat.checkout.models import Cart
from tests.checkout.helpers import make_variant

pytestmark = pytest.mark.django_db
CARTS = "/api/v1/store/carts"
PRODUCTS = "/api/v1/store/products"


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_schema_errors_name_list_items_with_brackets(store_api):
    lines = [{"variant_id": 1, "quantity": 1}, {"variant_id": "x", "quantity": "many"}]
    body = error(store_api.post(CARTS, {"lines": lines}), 422)
    assert [f["field"] for f in body["details"]["fields"]] == [
        "lines[1].variant_id",
        "lines[1].quantity",
    ]
    assert body["message"].startswith("lines[1].variant_id: ")
    assert Cart.objects.count() == 0


def test_service_errors_use_the_same_style(store_api):
    variant = make_variant()
    lines = [{"variant_id": variant.pk, "quantity": 1}, {"variant_id": 999_999, "quantity": 1}]
    body = error(store_api.post(CARTS, {"lines": lines}), 422)
    assert body["code"] == "unknown_variant"
    assert body["details"]["field"] == "lines[1].variant_id"


def test_query_parameters_are_named_by_themselves(store_api):
    body = error(store_api.get(PRODUCTS, {"page_size": "1000"}), 422)
    assert [f["field"] for f in body["details"]["fields"]] == ["page_size"]


@pytest.mark.parametrize(
    ("currency", "code"), [("EUR", "currency_disabled"), ("XYZ", "unknown_currency")]
)
def test_a_refused_currency_is_422_in_a_query_string_and_in_a_body(store_api, currency, code):
    read = error(store_api.get(PRODUCTS, {"currency": currency}), 422)
    write = error(store_api.post(CARTS, {"currency": currency}), 422)
    assert (read["code"], read["details"]["field"]) == (code, "currency")
    assert (write["code"], write["details"]["field"]) == (code, "currency")
    assert currency in read["message"] and currency in write["message"]


def test_only_a_body_that_cannot_be_read_is_400(store_api):
    for raw in ("{not json", b"\xff\xfe"):
        response = store_api.client.post(
            CARTS, data=raw, content_type="application/json", headers=store_api.headers
        )
        assert error(response, 400)["code"] == "malformed_request"
    wrong_shape = store_api.client.post(
        CARTS, data=json.dumps([1, 2]), content_type="application/json", headers=store_api.headers
    )
    assert error(wrong_shape, 422)["code"] == "invalid"
    assert Cart.objects.count() == 0


def test_every_json_body_is_named_payload():
    """The error mapper drops `payload` from a schema error's location; a body parameter
    with another name would leak it into `details.field`."""
    names = {
        (op.view_func.__name__, param.name)
        for router in api._get_bound_routers()
        for view in router.path_operations.values()
        for op in view.operations
        for param in op.signature.params
        if isinstance(param.source, Body)
    }
    assert names and {name for _, name in names} == {BODY_PARAM}, names
