"""Which gateway serves a payment, and with which credentials.

Credentials come from settings/environment first (`HAAT_RAZORPAY_KEY_ID`,
`HAAT_RAZORPAY_KEY_SECRET`, `HAAT_RAZORPAY_WEBHOOK_SECRET`, `HAAT_STRIPE_SECRET_KEY`,
`HAAT_STRIPE_WEBHOOK_SECRET`), then from the dashboard (`GatewayAccount`, encrypted).
The built-in test gateway needs none, and is refused where `HAAT_TEST_GATEWAY_ENABLED` is
off (default: off in production), so a live store can never be "paid" by a button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.conf import settings

from haat.gateways import crypto
from haat.gateways.errors import GatewayNotConfigured
from haat.gateways.models import GatewayAccount

if TYPE_CHECKING:
    from haat.payments.types import Gateway

CODES = ("razorpay", "stripe", "test")
Source = Literal["environment", "dashboard", "none"]

_ENV_NAMES: dict[str, tuple[str, str, str]] = {
    # code: (key id setting, secret setting, webhook secret setting)
    "razorpay": (
        "HAAT_RAZORPAY_KEY_ID",
        "HAAT_RAZORPAY_KEY_SECRET",
        "HAAT_RAZORPAY_WEBHOOK_SECRET",
    ),
    "stripe": (
        "HAAT_STRIPE_PUBLISHABLE_KEY",
        "HAAT_STRIPE_SECRET_KEY",
        "HAAT_STRIPE_WEBHOOK_SECRET",
    ),
}


@dataclass(frozen=True)
class Credentials:
    gateway: str
    source: Source
    key_id: str = ""
    secret: str = field(default="", repr=False)
    webhook_secrets: tuple[str, ...] = field(default=(), repr=False)  # current first

    @property
    def test_mode(self) -> bool:
        return mode_for(self.gateway, key_id=self.key_id, secret=self.secret) == "test"


def mode_for(gateway: str, *, key_id: str = "", secret: str = "") -> str:
    """ "live" only for keys that say so (rzp_live_, sk_live_/rk_live_); else "test"."""
    if gateway == "razorpay":
        return "live" if key_id.startswith("rzp_live_") else "test"
    if gateway == "stripe":
        return "live" if secret.startswith(("sk_live_", "rk_live_")) else "test"
    return "test"


def test_gateway_enabled() -> bool:
    return settings.HAAT_TEST_GATEWAY_ENABLED


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def credentials_for(code: str) -> Credentials:
    """The credentials in use for `code` (source "none" when nothing is configured)."""
    if code not in _ENV_NAMES:
        return Credentials(gateway=code, source="none")
    key_name, secret_name, webhook_name = _ENV_NAMES[code]
    if _setting(secret_name):
        previous = _setting(f"{webhook_name}_PREVIOUS")
        return Credentials(
            gateway=code,
            source="environment",
            key_id=_setting(key_name),
            secret=_setting(secret_name),
            webhook_secrets=tuple(s for s in (_setting(webhook_name), previous) if s),
        )
    account = GatewayAccount.objects.filter(gateway=code, enabled=True).first()
    if account is None or not account.secret_encrypted:
        return Credentials(gateway=code, source="none")
    secrets = (
        crypto.decrypt(account.webhook_secret_encrypted),
        crypto.decrypt(account.previous_webhook_secret_encrypted),
    )
    return Credentials(
        gateway=code,
        source="dashboard",
        key_id=account.key_id,
        secret=crypto.decrypt(account.secret_encrypted),
        webhook_secrets=tuple(s for s in secrets if s),
    )


def credentials_source(code: str) -> Source:
    """ "environment" | "dashboard" | "none" (the test gateway needs no credentials)."""
    return credentials_for(code).source


def is_configured(code: str) -> bool:
    if code == "test":
        return test_gateway_enabled()
    return credentials_for(code).source != "none"


def get_gateway(code: str) -> Gateway:
    """The adapter for `code`; `GatewayNotConfigured` (409) if it cannot be used."""
    if code == "test":
        if not test_gateway_enabled():
            raise GatewayNotConfigured(
                "The test gateway is switched off on this server (HAAT_TEST_GATEWAY_ENABLED).",
                details={"gateway": code},
            )
        from haat.gateways.testgateway import TestGateway

        return TestGateway()
    if code not in _ENV_NAMES:
        raise GatewayNotConfigured(f"Unknown payment gateway '{code}'.", details={"gateway": code})
    creds = credentials_for(code)
    if creds.source == "none":
        raise GatewayNotConfigured(
            f"{code.title()} has no credentials. Add them under Payments → Gateways.",
            details={"gateway": code},
        )
    if code == "razorpay":
        from haat.gateways.razorpay import RazorpayGateway

        return RazorpayGateway(creds)
    from haat.gateways.stripe import StripeGateway

    return StripeGateway(creds)


def default_gateway_code(currency: str) -> str:
    """INR → Razorpay, anything else → Stripe, each when configured; otherwise test."""
    preferred = "razorpay" if currency.upper() == "INR" else "stripe"
    return preferred if is_configured(preferred) else "test"


def gateway_for_currency(currency: str) -> Gateway:
    """The gateway that takes payments in `currency`, as chosen in payment settings."""
    try:
        from haat.payments.selectors import gateway_code_for_currency
    except ImportError:
        code = default_gateway_code(currency)
    else:
        code = gateway_code_for_currency(currency) or default_gateway_code(currency)
    return get_gateway(code)
