"""Credentials: their sources, the dashboard settings page and the admin API (secrets
write-only)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from haat.core.errors import ValidationError
from haat.core.models import AuditLogEntry
from haat.gateways import credentials
from haat.gateways.adapters import get_gateway
from haat.gateways.errors import GatewayNotConfigured
from haat.gateways.models import GatewayAccount
from haat.gateways.services import save_account
from haat.payments.config import gateway_for_currency

pytestmark = pytest.mark.django_db
PAGE = "/dashboard/payments/gateways/"


def test_sources_environment_over_dashboard_over_none(settings):
    assert credentials.credentials_source("razorpay") == "none"
    assert gateway_for_currency("INR").code == "test"
    save_account(
        gateway="razorpay", key_id="rzp_live_abc", secret="db-secret", webhook_secret="db-hook"
    )
    assert credentials.credentials_source("razorpay") == "dashboard"
    gateway = get_gateway("razorpay")
    assert gateway.code == "razorpay" and gateway.test_mode is False
    assert gateway_for_currency("INR").code == "razorpay"
    settings.HAAT_RAZORPAY_KEY_ID = "rzp_test_env"
    settings.HAAT_RAZORPAY_KEY_SECRET = "env-secret"
    creds = credentials.credentials_for("razorpay")
    assert (creds.source, creds.key_id, creds.test_mode) == ("environment", "rzp_test_env", True)
    assert "env-secret" not in repr(creds)


def test_disabled_account_is_not_used():
    save_account(gateway="stripe", key_id="pk_test_1", secret="sk_test_1", enabled=False)
    assert credentials.credentials_source("stripe") == "none"
    with pytest.raises(GatewayNotConfigured):
        get_gateway("stripe")


def test_test_gateway_is_off_in_production_unless_enabled(settings, tmp_path):
    # The default comes from settings.py: off when HAAT_ENV=production.
    env = {
        **os.environ,
        "HAAT_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "shop.example.in",
        "HAAT_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "haat.settings",
    }
    env.pop("HAAT_TEST_GATEWAY_ENABLED", None)
    probe = "from django.conf import settings; print(settings.HAAT_TEST_GATEWAY_ENABLED)"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr

    settings.HAAT_TEST_GATEWAY_ENABLED = False
    with pytest.raises(GatewayNotConfigured):
        get_gateway("test")
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    assert get_gateway("test").code == "test"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"gateway": "razorpay", "key_id": "key_123"}, "key_id"),
        ({"gateway": "stripe", "secret": "pk_test_notsecret"}, "secret"),
        ({"gateway": "stripe", "webhook_secret": "abc"}, "webhook_secret"),
        ({"gateway": "stripe", "key_id": "pk_live_1", "secret": "sk_test_1"}, "key_id"),
        ({"gateway": "paypal"}, "gateway"),
    ],
)
def test_bad_credentials_name_the_field_and_change_nothing(fields, field):
    with pytest.raises(ValidationError) as err:
        save_account(**fields)
    assert err.value.details["field"] == field
    assert not GatewayAccount.objects.exists()


def test_settings_page_shows_source_mode_and_webhook_urls_never_secrets(staff_client):
    save_account(
        gateway="razorpay",
        key_id="rzp_test_visible",
        secret="hidden-secret-1",
        webhook_secret="hidden-hook-2",
    )
    page = staff_client("owner").get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "rzp_test_visible" in html and "Test mode" in html
    assert (
        "http://testserver/webhooks/razorpay" in html
        and "http://testserver/webhooks/stripe" in html
    )
    assert "hidden-secret-1" not in html and "hidden-hook-2" not in html
    assert 'data-testid="source-razorpay">saved on this page' in html


def test_settings_page_saves_write_only_secrets_with_an_audit_entry(staff_client):
    client = staff_client("manager")
    response = client.post(
        f"{PAGE}stripe/",
        {
            "key_id": "pk_test_abc",
            "secret": "sk_test_abc",
            "webhook_secret": "whsec_abc",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    creds = credentials.credentials_for("stripe")
    assert (creds.source, creds.secret, creds.webhook_secrets) == (
        "dashboard",
        "sk_test_abc",
        ("whsec_abc",),
    )
    # saving again with blank secrets keeps them
    client.post(
        f"{PAGE}stripe/",
        {"key_id": "pk_test_abc", "secret": "", "webhook_secret": "", "enabled": "on"},
    )
    assert credentials.credentials_for("stripe").secret == "sk_test_abc"
    entry = AuditLogEntry.objects.filter(action="gateway.credentials_updated").first()
    assert entry is not None and "sk_test_abc" not in str(entry.changes)


def test_settings_page_shows_the_error_for_bad_input(staff_client):
    client = staff_client("owner")
    response = client.post(f"{PAGE}razorpay/", {"key_id": "nope", "enabled": "on"}, follow=True)
    assert "must start with rzp_test_ or rzp_live_" in response.content.decode()


def test_settings_page_needs_payments_permission(staff_client):
    assert staff_client("support").get(PAGE).status_code == 403
    assert (
        staff_client("fulfilment").post(f"{PAGE}razorpay/", {"key_id": "rzp_test_x"}).status_code
        == 403
    )
    assert not GatewayAccount.objects.exists()


def test_environment_credentials_are_shown_as_such(staff_client, settings):
    settings.HAAT_STRIPE_SECRET_KEY = "sk_live_from_env"
    html = staff_client("owner").get(PAGE).content.decode()
    assert 'data-testid="source-stripe">environment variables' in html
    assert "sk_live_from_env" not in html


def test_api_lists_and_sets_credentials_without_returning_secrets(admin_api):
    api = admin_api("owner")
    response = api.put(
        "/api/v1/admin/gateways/razorpay",
        {"key_id": "rzp_test_api", "secret": "api-secret-1", "webhook_secret": "api-hook-1"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["source"] == "dashboard" and body["has_secret"] and body["has_webhook_secret"]
    assert body["webhook_url"].endswith("/webhooks/razorpay")
    listing = api.get("/api/v1/admin/gateways")
    assert listing.status_code == 200
    assert [g["gateway"] for g in listing.json()["items"]] == ["razorpay", "stripe"]
    assert "api-secret-1" not in listing.content.decode() + response.content.decode()
    bad = api.put("/api/v1/admin/gateways/razorpay", {"key_id": "bad"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "key_id"
    assert admin_api("support").get("/api/v1/admin/gateways").status_code == 403


def test_api_lists_webhook_events(admin_api, client):
    client.post("/webhooks/razorpay", data=b"{}", content_type="application/json")
    events = admin_api("owner").get("/api/v1/admin/gateway-webhook-events", {"status": "rejected"})
    assert events.status_code == 200
    [item] = events.json()["items"]
    assert item["gateway"] == "razorpay" and item["signature_valid"] is False
