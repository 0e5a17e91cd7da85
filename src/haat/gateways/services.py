"""Saving gateway credentials entered by staff (write-only secrets, audited)."""

from __future__ import annotations

from django.db import transaction

from haat.core.audit import record_audit
from haat.core.errors import ValidationError
from haat.gateways import crypto
from haat.gateways.credentials import mode_for
from haat.gateways.models import GatewayAccount

_PREFIXES: dict[tuple[str, str], tuple[str, ...]] = {
    ("razorpay", "key_id"): ("rzp_test_", "rzp_live_"),
    ("stripe", "key_id"): ("pk_test_", "pk_live_"),
    ("stripe", "secret"): ("sk_test_", "sk_live_", "rk_test_", "rk_live_"),
    ("stripe", "webhook_secret"): ("whsec_",),
}
_MAX = 500


def _clean(gateway: str, field: str, value: str | None) -> str | None:
    """None/"" → keep the stored value; otherwise a stripped, format-checked value."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > _MAX or any(c.isspace() for c in value):
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} does not look like a {gateway} key.",
            details={"field": field},
        )
    prefixes = _PREFIXES.get((gateway, field))
    if prefixes and not value.startswith(prefixes):
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} for {gateway.title()} must start with "
            + " or ".join(prefixes)
            + ".",
            details={"field": field},
        )
    return value


@transaction.atomic
def save_account(
    *,
    gateway: str,
    key_id: str | None = None,
    secret: str | None = None,
    webhook_secret: str | None = None,
    enabled: bool | None = None,
) -> GatewayAccount:
    """Create or update the dashboard credentials of `gateway`. Blank secrets keep the
    stored ones (the form never shows them). A new webhook secret keeps the old one as
    `previous` so events signed before the rotation still verify."""
    if gateway not in GatewayAccount.Code.values:
        raise ValidationError(
            f"Unknown gateway '{gateway}'.",
            details={"field": "gateway", "allowed": ["razorpay", "stripe"]},
        )
    key_id = _clean(gateway, "key_id", key_id)
    secret = _clean(gateway, "secret", secret)
    webhook_secret = _clean(gateway, "webhook_secret", webhook_secret)
    account, _ = GatewayAccount.objects.select_for_update().get_or_create(gateway=gateway)
    before = {"key_id": account.key_id, "enabled": account.enabled, "mode": account.mode}
    changes: dict[str, object] = {}
    if key_id is not None:
        account.key_id = key_id
    current_secret = secret if secret is not None else crypto.decrypt(account.secret_encrypted)
    if secret is not None:
        account.secret_encrypted = crypto.encrypt(secret)
        changes["secret"] = "changed"
    if webhook_secret is not None:
        old = crypto.decrypt(account.webhook_secret_encrypted)
        if old != webhook_secret:
            account.previous_webhook_secret_encrypted = account.webhook_secret_encrypted
            account.webhook_secret_encrypted = crypto.encrypt(webhook_secret)
            changes["webhook_secret"] = "changed"
    if enabled is not None:
        account.enabled = enabled
    account.mode = mode_for(gateway, key_id=account.key_id, secret=current_secret)
    if gateway == "stripe" and account.key_id and current_secret:
        key_mode = "live" if account.key_id.startswith("pk_live_") else "test"
        if key_mode != account.mode:
            raise ValidationError(
                "The Stripe publishable key and secret key are from different modes "
                "(test and live).",
                details={"field": "key_id"},
            )
    account.save()
    after = {"key_id": account.key_id, "enabled": account.enabled, "mode": account.mode}
    changes.update({k: [before[k], v] for k, v in after.items() if before[k] != v})
    record_audit(action="gateway.credentials_updated", obj=account, changes=changes)
    return account
