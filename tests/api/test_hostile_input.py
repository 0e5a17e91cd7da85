"""Hostile and broken input at the edge: NUL bytes and lone surrogates are refused before any
view runs, and every error under /api/ is the JSON error body, never an HTML page."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from haat.catalog.models import Product
from haat.checkout.models import Cart
from haat.core.safe_input import check_json_body
from haat.customers.models import Customer
from haat.orders.models import Order

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["error"]
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/store/products?q=%00",
        "/api/v1/store/products?currency=INR%00",
        "/api/v1/store/products/%00",
        "/api/v1/store/orders/%00",
        "/api/v1/admin/products?q=%00",
    ],
)
def test_nul_in_query_or_path_is_a_422_json_error(store_api, path):
    response = Client().get(path, headers=store_api.headers)
    _error(response, 422, "invalid_characters")


def test_nul_in_a_public_page_path_is_a_plain_422():
    response = Client().get("/pay/%00")
    assert response.status_code == 422
    assert b"NUL" in response.content


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"email": "a@example.com", "name": "Asha\\u0000"}', "name"),
        ('{"shipping_address": {"line1": "Flat \\u0000 1"}}', "shipping_address.line1"),
        ('{"lines": [{"note": "x"}, {"note": "\\ud800"}]}', "lines[1].note"),
        ('{"name": "\\udc00 low"}', "name"),
    ],
)
def test_nul_and_lone_surrogates_in_json_are_refused_and_change_nothing(store_api, text, field):
    before = (Cart.objects.count(), Customer.objects.count(), Order.objects.count())
    response = Client().post(
        "/api/v1/store/checkout", text, content_type="application/json", headers=store_api.headers
    )
    body = _error(response, 422, "invalid_characters")
    assert body["details"] == {"field": field}
    assert (Cart.objects.count(), Customer.objects.count(), Order.objects.count()) == before


def test_surrogate_pairs_and_plain_text_pass():
    assert check_json_body(b'{"name": "Asha \\ud83d\\ude00"}') is None
    assert check_json_body(json.dumps({"name": "आशा 😀"}, ensure_ascii=False).encode()) is None
    assert check_json_body(b'{"path": "C:\\\\u0000"}') is None  # an escaped backslash, no NUL
    assert check_json_body(b"not json \\u0000") is None  # the view's parser refuses it


def test_nul_in_a_dashboard_form_is_refused(staff_client):
    response = staff_client("owner").post(
        "/dashboard/catalog/products/new/",
        "title=A%00&status=draft",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert not Product.objects.exists()


def test_unknown_api_path_is_a_json_404():
    _error(Client().get("/api/v1/nowhere"), 404, "not_found")


@override_settings(ROOT_URLCONF="tests.api.crash_urls")
def test_crashes_under_api_are_json_500s():
    client = Client(raise_request_exception=False)
    _error(client.get("/api/test-crash/boom"), 500, "internal_error")
    _error(client.get("/api/test-django-crash"), 500, "internal_error")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_json_413(store_api):
    big = json.dumps({"email": "a@example.com", "name": "x" * 2000})
    response = Client().post(
        "/api/v1/store/checkout", big, content_type="application/json", headers=store_api.headers
    )
    _error(response, 413, "payload_too_large")


@pytest.mark.parametrize("credentials", [{}, {"Authorization": "Bearer sk_forged"}])
def test_a_write_without_a_valid_key_is_401_not_a_csrf_403(credentials):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/admin/locations",
        {"code": "x", "name": "X"},
        content_type="application/json",
        headers=credentials,
    )
    _error(response, 401, "not_authenticated")


def test_a_signed_in_session_still_needs_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        "/api/v1/admin/locations", {"code": "x", "name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
