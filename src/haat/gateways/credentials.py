"""Gateway credentials, and whether each gateway can be used on this server.

Credentials come from settings/environment first (`HAAT_RAZORPAY_KEY_ID`,
`HAAT_RAZORPAY_KEY_SECRET`, `HAAT_RAZORPAY_WEBHOOK_SECRET`, `HAAT_STRIPE_SECRET_KEY`,
`HAAT_STRIPE_WEBHOOK_SECRET`), then from the dashboard (`GatewayAccount`, encrypted).
The built-in test gateway needs none, and is refused where `HAAT_TEST_GATEWAY_ENABLED` is
off (default: off in production), so a live store can never be "paid" by a button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings

from haat.gateways import crypto
from haat.gateways.models import GatewayAccount

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
