"""Reads for the gateway settings page and API: never a secret, only whether it is set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from haat.gateways.credentials import _ENV_NAMES, mode_for
from haat.gateways.models import GatewayAccount, WebhookEvent


@dataclass(frozen=True)
class GatewayStatus:
    gateway: str
    label: str
    source: str  # "environment" | "dashboard" | "none"
    mode: str  # "test" | "live"
    key_id: str
    has_secret: bool
    has_webhook_secret: bool
    enabled: bool
    updated_at: datetime | None


def gateway_statuses() -> list[GatewayStatus]:
    """Razorpay and Stripe as configured now (one query)."""
    accounts = {a.gateway: a for a in GatewayAccount.objects.all()}
    statuses = []
    for code, label in GatewayAccount.Code.choices:
        key_name, secret_name, webhook_name = _ENV_NAMES[code]
        env_secret = str(getattr(settings, secret_name, "") or "")
        account = accounts.get(code)
        if env_secret:
            key_id = str(getattr(settings, key_name, "") or "")
            statuses.append(
                GatewayStatus(
                    gateway=code,
                    label=label,
                    source="environment",
                    mode=mode_for(code, key_id=key_id, secret=env_secret),
                    key_id=key_id,
                    has_secret=True,
                    has_webhook_secret=bool(getattr(settings, webhook_name, "")),
                    enabled=True,
                    updated_at=None,
                )
            )
            continue
        configured = bool(account and account.enabled and account.secret_encrypted)
        statuses.append(
            GatewayStatus(
                gateway=code,
                label=label,
                source="dashboard" if configured else "none",
                mode=account.mode if account else "test",
                key_id=account.key_id if account else "",
                has_secret=bool(account and account.secret_encrypted),
                has_webhook_secret=bool(account and account.webhook_secret_encrypted),
                enabled=account.enabled if account else False,
                updated_at=account.updated_at if account else None,
            )
        )
    return statuses


def recent_events(*, gateway: str = "", status: str = ""):
    """Webhook events newest first, without their bodies (for lists)."""
    qs = WebhookEvent.objects.defer("body")
    if gateway:
        qs = qs.filter(gateway=gateway)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")
