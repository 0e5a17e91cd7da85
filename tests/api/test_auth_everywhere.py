"""Every operation in the OpenAPI schema refuses callers without the right credentials.

Walks the served schema, so a new endpoint is covered the moment it is mounted.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(prefix: str) -> list[tuple[str, str]]:
    schema = Client().get("/api/v1/openapi.json").json()
    ops = []
    for path, item in schema["paths"].items():
        if not path.startswith(prefix):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        ops.extend((method, concrete) for method in METHODS if method in item)
    return ops


def test_schema_lists_admin_and_store_operations():
    assert len(_operations("/api/v1/admin/")) > 20
    assert len(_operations("/api/v1/store/")) > 3


@pytest.mark.parametrize("credentials", [{}, {"Authorization": "Bearer sk_forged"}])
def test_admin_operations_need_a_valid_secret_key(credentials):
    client = Client()
    for method, path in _operations("/api/v1/admin/"):
        response = getattr(client, method)(path, headers=credentials)
        assert response.status_code == 401, f"{method.upper()} {path}"
        assert response.json()["error"]["code"] == "not_authenticated"


def test_admin_operations_refuse_a_publishable_key(store_api):
    key = store_api.headers["X-Publishable-Key"]
    client = Client()
    for method, path in _operations("/api/v1/admin/"):
        response = getattr(client, method)(path, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401, f"{method.upper()} {path}"


def test_store_operations_need_a_publishable_key(admin_api):
    secret = admin_api("owner").headers["Authorization"].removeprefix("Bearer ")
    client = Client()
    for method, path in _operations("/api/v1/store/"):
        for headers in ({}, {"X-Publishable-Key": secret}, {"X-Publishable-Key": "pk_forged"}):
            response = getattr(client, method)(path, headers=headers)
            assert response.status_code == 401, f"{method.upper()} {path} {headers}"


def test_every_operation_is_described_in_the_schema():
    schema = Client().get("/api/v1/openapi.json").json()
    undescribed = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS and not operation.get("description", "").strip()
    ]
    assert undescribed == []
