"""Fixtures shared by every context's tests.

- `make_staff(role)` creates a staff user; `staff_client(role)` a signed-in dashboard client.
- `admin_api(role)` calls `/api/v1/admin/...` with a real secret key of that role.
- `store_api` calls `/api/v1/store/...` with a real publishable key.
- `currencies("USD", "EUR")` enables currencies besides the seeded default INR.

Every reply `JsonClient` gets is checked against the OpenAPI document (tests/api/openapi.py).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from haat.accounts.api_keys import create_api_key
from haat.accounts.models import ApiKey, User
from haat.core import money, settings_stamp
from haat.core.currency_data import seed_currencies
from haat.core.models import Currency
from haat.fulfillment.couriers import seed_couriers
from haat.fulfillment.models import Courier
from tests.api.openapi import check_reply

PASSWORD = "correct-Horse-battery-9"
_seq = itertools.count(1)


class JsonClient:
    """A Django test client that speaks JSON and carries API credentials."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.client = Client()
        self.headers = headers

    def _send(self, method: str, path: str, data: Any = None, **extra: Any):
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if data is not None and method != "get":
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        response = getattr(self.client, method)(path, **kwargs, **extra)
        check_reply(method, path, response)  # the reply is what the OpenAPI document says
        return response

    def get(self, path: str, params: dict | None = None, **extra: Any):
        return self._send("get", path, params, **extra)

    def post(self, path: str, data: Any = None, **extra: Any):
        return self._send("post", path, data if data is not None else {}, **extra)

    def put(self, path: str, data: Any = None, **extra: Any):
        return self._send("put", path, data if data is not None else {}, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any):
        return self._send("patch", path, data if data is not None else {}, **extra)

    def delete(self, path: str, **extra: Any):
        return self._send("delete", path, None, **extra)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached badges, keys and rate-limit counters
    from an earlier test must not leak into this one's query counts or results."""
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (live server, concurrency) end with a flush that also removes
    rows seeded by data migrations; put the ISO currencies and the seeded couriers back for
    the tests after them.
    Then make sure the process has read the currencies' decimal places, once per process as
    in production, so that first read never lands inside a test's statement count."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if not uses_db:
        # Money reads decimal places from the Currency rows: a test without the database
        # must not pass only because an earlier test happened to fill the cache.
        request.getfixturevalue("monkeypatch").setattr(money, "_places", {})
        return
    request.getfixturevalue("_django_db_helper")
    if not Currency.objects.exists():
        seed_currencies(Currency)
    if not Courier.objects.exists():
        seed_couriers()
    money.currency_places()


@pytest.fixture
def make_staff(db):
    def make(role: str = "owner", email: str | None = None, **fields: Any) -> User:
        email = email or f"{role}{next(_seq)}@example.test"
        return User.objects.create_user(email, PASSWORD, role=role, **fields)

    return make


@pytest.fixture
def owner(make_staff) -> User:
    return make_staff("owner", email="owner@example.test", full_name="Asha Owner")


@pytest.fixture
def staff_client(make_staff):
    def make(role: str = "owner") -> Client:
        client = Client()
        client.force_login(make_staff(role))
        return client

    return make


@pytest.fixture
def admin_api(db):
    def make(role: str = "owner") -> JsonClient:
        issued = create_api_key(name=f"test {role}", kind=ApiKey.Kind.SECRET, role=role)
        return JsonClient({"Authorization": f"Bearer {issued.plaintext}"})

    return make


@pytest.fixture
def store_api(db) -> JsonClient:
    issued = create_api_key(name="storefront", kind=ApiKey.Kind.PUBLISHABLE)
    return JsonClient({"X-Publishable-Key": issued.plaintext})


@pytest.fixture
def currencies(db):
    def enable(*codes: str) -> list[Currency]:
        Currency.objects.filter(code__in=codes).update(enabled=True)
        settings_stamp.bump()  # a bulk write sends no signal
        return list(Currency.objects.filter(code__in=codes))

    return enable
