"""A payment-settings change is obeyed by the very next checkout in every process.

Two real server processes (`haat serve`, one web worker each) on the test database, both
holding the payment settings they loaded for a first COD order. COD is switched off
through one of them (the admin API): the next checkout through the OTHER is refused with
`payment_type_unavailable`, and the options it shows say so with the same reason. Switched
back on in a third process (this one, by the service), both accept COD again.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from haat.accounts.api_keys import create_api_key
from haat.accounts.models import ApiKey
from haat.payments import config
from tests.checkout.helpers import checkout_body, make_location, make_variant
from tests.processes import servers

pytestmark = pytest.mark.django_db(transaction=True)


def call(port: int, method: str, path: str, key: dict[str, str], body: Any = None):
    """(status, JSON reply) of one request to the server on `port`."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **key},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_cod_switched_off_in_one_process_is_refused_at_once_in_the_other(tmp_path):
    variant = make_variant(stock=20, location=make_location())
    config.update_settings(data={"cod_enabled": True})
    store = {
        "X-Publishable-Key": create_api_key(
            name="storefront", kind=ApiKey.Kind.PUBLISHABLE
        ).plaintext
    }
    staff = {
        "Authorization": "Bearer "
        + create_api_key(name="owner", kind=ApiKey.Kind.SECRET, role="owner").plaintext
    }
    line = {"variant_id": variant.pk, "quantity": 1}

    def buy_now(port: int) -> tuple[int, dict]:
        return call(port, "POST", "/store/checkout", store, {**checkout_body(), "lines": [line]})

    def cart(port: int) -> str:
        status, body = call(port, "POST", "/store/carts", store, {"lines": [line]})
        assert status == 201, body
        return body["token"]

    def cod_option(port: int, token: str) -> dict:
        query = "state=Karnataka&country=IN&postal_code=560025"
        path = f"/store/carts/{token}/payment-options?{query}"
        status, body = call(port, "GET", path, store)
        assert status == 200, body
        return next(o for o in body["options"] if o["type"] == "cod")

    with servers(2, tmp_path) as (first, second):
        # Both processes load the settings (COD on) and place a COD order.
        for port in (first, second):
            status, body = buy_now(port)
            assert status == 201, body
        waiting = cart(second)
        assert cod_option(second, waiting)["available"]

        status, body = call(
            first, "PATCH", "/admin/payments/settings", staff, {"cod_enabled": False}
        )
        assert status == 200 and body["cod_enabled"] is False, body

        # The very next checkout through the other process is refused...
        status, body = call(
            second, "POST", f"/store/carts/{waiting}/checkout", store, checkout_body()
        )
        assert status == 422, body
        error = body["error"]
        assert error["code"] == "payment_type_unavailable", error
        assert error["details"]["payment_type"] == "cod"
        # ...and so is a buy-now, while the options it shows agree, reason and all.
        status, body = buy_now(second)
        assert (status, body["error"]["code"]) == (422, "payment_type_unavailable"), body
        shown = cod_option(second, waiting)
        assert not shown["available"] and shown["reason"] == error["details"]["reason"]

        # Switched back on by a third process (this one): both servers take COD again.
        config.update_settings(data={"cod_enabled": True})
        status, body = call(
            second, "POST", f"/store/carts/{waiting}/checkout", store, checkout_body()
        )
        assert status == 201, body
        status, body = buy_now(first)
        assert status == 201, body
