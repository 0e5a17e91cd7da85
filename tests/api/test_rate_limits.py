"""Rate limits at the front doors: storefront API, checkout, admin API, pay page, sign-in
and password reset. Over a limit: 429 with Retry-After (the JSON body under /api/)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMITS = {
    "store_ip": "5/m",
    "store_key": "1000/m",
    "checkout_ip": "20/m",
    "checkout_customer": "2/m",
    "admin_key": "3/m",
    "pay_ip": "3/m",
    "pay_token": "2/m",
    "login_ip": "4/h",
    "login_account": "3/h",
    "password_reset_ip": "10/h",
    "password_reset_email": "2/h",
}


def _limited(response) -> dict:
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) >= 1
    body = response.json()["error"]
    assert body["code"] == "rate_limited"
    return body


@override_settings(HAAT_RATE_LIMITS=LIMITS)
def test_storefront_reads_are_limited_per_client_ip(store_api):
    client = Client(headers=store_api.headers)
    for _ in range(5):
        assert client.get("/api/v1/store/products").status_code == 200
    body = _limited(client.get("/api/v1/store/products"))
    assert body["details"]["limit"] == "store_ip"
    other = Client(headers=store_api.headers, REMOTE_ADDR="10.1.2.3")
    assert other.get("/api/v1/store/products").status_code == 200


@override_settings(HAAT_RATE_LIMITS={**LIMITS, "store_ip": "1000/m"})
def test_checkout_is_limited_per_customer_not_the_shared_office_ip(store_api):
    client = Client(headers=store_api.headers)

    def buy(email: str):
        return client.post(
            "/api/v1/store/checkout",
            {"email": email, "lines": []},
            content_type="application/json",
        )

    assert buy("asha@example.com").status_code == 422
    assert buy("ASHA@example.com").status_code == 422
    assert _limited(buy("asha@example.com"))["details"]["limit"] == "checkout_customer"
    # Colleagues behind the same address still check out.
    for n in range(10):
        assert buy(f"colleague{n}@example.com").status_code == 422


@override_settings(HAAT_RATE_LIMITS={**LIMITS, "store_ip": "1000/m", "checkout_customer": "100/m"})
def test_checkout_is_limited_per_ip_at_a_generous_rate(store_api):
    client = Client(headers=store_api.headers)
    codes = [
        client.post(
            "/api/v1/store/checkout",
            {"email": f"c{n}@example.com"},
            content_type="application/json",
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [422] * 20 and codes[20] == 429


@override_settings(HAAT_RATE_LIMITS=LIMITS)
def test_admin_api_is_limited_per_key(admin_api):
    api = admin_api("owner")
    for _ in range(3):
        assert api.get("/api/v1/admin/locations").status_code == 200
    _limited(api.get("/api/v1/admin/locations"))
    assert admin_api("owner").get("/api/v1/admin/locations").status_code == 200  # another key


@override_settings(HAAT_RATE_LIMITS=LIMITS)
def test_unauthenticated_calls_are_401_before_any_limit():
    client = Client()
    assert [client.get("/api/v1/store/products").status_code for _ in range(8)] == [401] * 8


@override_settings(HAAT_RATE_LIMITS=LIMITS)
def test_pay_page_is_limited_per_token_and_per_ip():
    client = Client()
    assert [client.get("/pay/tok-1").status_code for _ in range(2)] == [404, 404]
    limited = client.get("/pay/tok-1")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert client.get("/pay/tok-2").status_code == 429  # third request from this address


def _sign_in(email: str, password: str, ip: str = "127.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        "/dashboard/login/", {"username": email, "password": password}
    )


@override_settings(HAAT_RATE_LIMITS=LIMITS, AXES_FAILURE_LIMIT=100)
def test_one_account_guessed_from_many_addresses_is_locked_and_its_owner_told(make_staff):
    make_staff("owner", email="boss@example.com")
    for n in range(3):
        assert _sign_in("boss@example.com", "wrong", ip=f"10.0.0.{n}").status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@example.com"]
    assert "locked" in mail.outbox[0].subject
    locked = _sign_in("boss@example.com", PASSWORD, ip="10.0.0.99")
    assert locked.status_code == 429 and b"Too many attempts" in locked.content
    _sign_in("boss@example.com", "wrong", ip="10.0.0.50")
    assert len(mail.outbox) == 1  # one notice per lock


@override_settings(HAAT_RATE_LIMITS=LIMITS, AXES_FAILURE_LIMIT=100)
def test_one_address_spraying_many_accounts_is_locked(make_staff):
    make_staff("owner", email="real@example.com")
    for n in range(4):
        assert _sign_in(f"guess{n}@example.com", "wrong", ip="10.9.9.9").status_code == 200
    assert _sign_in("real@example.com", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _sign_in("real@example.com", PASSWORD, ip="10.9.9.8").status_code == 302


@override_settings(HAAT_RATE_LIMITS=LIMITS)
def test_password_reset_requests_are_limited_per_address(make_staff):
    client = Client()
    url = "/dashboard/password-reset/"
    codes = [client.post(url, {"email": "x@example.com"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
