"""Stripe: PaymentIntents, refunds, webhook signatures.

Protocol (integrations §2): `Authorization: Bearer sk_...`, form-encoded bodies with
nested keys, amounts per `stripe_units`, lowercase currency. Every POST carries a
deterministic `Idempotency-Key`, so our own retries never create a second intent or
refund (Stripe replays the first answer, including a 500, for the same key).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings

from haat.core.errors import Conflict
from haat.gateways import crypto
from haat.gateways.common import currency_of, dig, from_unix, load_json
from haat.gateways.error_codes import GatewayErrorCode
from haat.gateways.errors import GatewayUnavailable, InvalidSignature
from haat.gateways.http import call
from haat.gateways.stripe_units import from_stripe, to_stripe
from haat.gateways.types import (
    GatewayCheckout,
    GatewayLink,
    GatewayRefundResult,
    GatewayUpdate,
    UpdateKind,
)

if TYPE_CHECKING:
    from haat.gateways.credentials import Credentials
    from haat.orders.models import Order
    from haat.payments.models import Payment, Refund

SIGNATURE_HEADER = "Stripe-Signature"
TOLERANCE_SECONDS = 300
_REFUND_STATUS = {
    "succeeded": "processed",
    "pending": "pending",
    "requires_action": "pending",
    "failed": "failed",
    "canceled": "failed",
}


def _error_message(body: dict[str, Any]) -> str:
    return str(dig(body, "error", "message") or "")


class StripeGateway:
    code = "stripe"
    supports_links = False

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.test_mode = credentials.test_mode
        self.base = settings.HAAT_STRIPE_API_BASE.rstrip("/")

    def _post(self, path: str, form: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        """POST with one retry after a timeout (same key, so Stripe replays, never
        repeats). A 5xx is not retried: Stripe stores it under the key."""
        headers = {
            "Authorization": f"Bearer {self.credentials.secret}",
            "Idempotency-Key": idempotency_key,
        }
        for attempt in (1, 2):
            try:
                return call(
                    "Stripe",
                    "POST",
                    self.base + path,
                    headers=headers,
                    form_body=form,
                    error_message=_error_message,
                ).body
            except GatewayUnavailable as exc:
                if attempt == 2 or exc.details.get("status") is not None:
                    raise
        raise AssertionError("unreachable")

    def create_checkout(
        self, *, payment: Payment, order: Order, return_url: str
    ) -> GatewayCheckout:
        """A PaymentIntent; the storefront confirms it with Stripe.js and `client_secret`."""
        currency = currency_of(payment)
        amount = to_stripe(payment.amount, currency)
        intent = self._post(
            "/payment_intents",
            {
                "amount": amount,
                "currency": currency.lower(),
                "automatic_payment_methods": {"enabled": True},
                "description": f"Order {order.number}",
                "receipt_email": order.email or None,
                "metadata": {"haat_order": order.number, "haat_payment": str(payment.pk)},
            },
            idempotency_key=f"haat-payment-{payment.pk}-intent",
        )
        return GatewayCheckout(
            gateway=self.code,
            gateway_order_id=intent["id"],
            client_data={
                "client_secret": intent.get("client_secret", ""),
                "publishable_key": self.credentials.key_id,
                "amount": amount,
                "currency": currency.lower(),
                "return_url": return_url,
            },
        )

    def create_link(
        self, *, payment: Payment, order: Order, expire_by: datetime, callback_url: str
    ) -> GatewayLink:
        """Stripe links cannot carry the reserve window; use Haat's own pay page."""
        raise Conflict(
            "Stripe payment links are not used by Haat; send the customer Haat's pay page.",
            code=GatewayErrorCode.LINKS_NOT_SUPPORTED,
            details={"gateway": self.code},
        )

    def refund(self, *, refund: Refund, payment: Payment) -> GatewayRefundResult:
        currency = currency_of(refund)
        data = self._post(
            "/refunds",
            {
                "payment_intent": payment.gateway_order_id,
                "amount": to_stripe(refund.amount, currency),
                "reason": "requested_by_customer",
                "metadata": {"haat_refund": str(refund.pk), "reason": (refund.reason or "")[:500]},
            },
            idempotency_key=refund.gateway_idempotency_key,
        )
        return GatewayRefundResult(
            gateway_refund_id=data.get("id", ""),
            status=_REFUND_STATUS.get(data.get("status", ""), "pending"),
            raw=data,
        )


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The `v1` signature Stripe computes: HMAC-SHA256 of `"{t}.{body}"`."""
    return crypto.hmac_sha256_hex(secret, f"{timestamp}.".encode() + body)


def verify_webhook(
    body: bytes,
    signature_header: str,
    secrets: tuple[str, ...],
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """`Stripe-Signature: t=<unix>,v1=<hex>[,v1=...]`; any v1 may match; events older
    than `tolerance` seconds are refused (a replayed capture)."""
    if not secrets:
        raise InvalidSignature(
            "No Stripe webhook secret is configured.", code=GatewayErrorCode.NOT_CONFIGURED
        )
    if not signature_header:
        raise InvalidSignature(f"Missing {SIGNATURE_HEADER} header.")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in signature_header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature(f"Malformed {SIGNATURE_HEADER} header.")
    if not any(crypto.same(sign(body, s, timestamp), c) for s in secrets for c in candidates):
        raise InvalidSignature("The Stripe webhook signature does not match.")
    if timestamp < (now if now is not None else time.time()) - tolerance:
        raise InvalidSignature(
            "The Stripe webhook timestamp is too old.", code=GatewayErrorCode.STALE_SIGNATURE
        )


def event_id(body: bytes) -> str:
    return str(load_json(body).get("id") or "")


def event_type(body: bytes) -> str:
    return str(load_json(body).get("type") or "")


_INTENT_EVENTS = {
    "payment_intent.succeeded": UpdateKind.CAPTURED,
    "payment_intent.amount_capturable_updated": UpdateKind.AUTHORIZED,
    "payment_intent.payment_failed": UpdateKind.FAILED,
    "payment_intent.canceled": UpdateKind.FAILED,
}


def parse_webhook(body: bytes, event_id: str) -> list[GatewayUpdate]:
    """The updates in one Stripe event; [] for events Haat does not act on."""
    data = load_json(body)
    name = str(data.get("type", ""))
    obj = dig(data, "data", "object") or {}
    at = from_unix(data.get("created"))
    if name in _INTENT_EVENTS:
        kind = _INTENT_EVENTS[name]
        currency = str(obj.get("currency") or "").upper()
        if kind == UpdateKind.CAPTURED:
            raw_amount = obj.get("amount_received") or obj.get("amount") or 0
        elif kind == UpdateKind.AUTHORIZED:
            raw_amount = obj.get("amount_capturable") or obj.get("amount") or 0
        else:
            raw_amount = obj.get("amount") or 0
        reason = ""
        if name == "payment_intent.payment_failed":
            reason = str(dig(obj, "last_payment_error", "message") or "The payment failed.")
        elif name == "payment_intent.canceled":
            reason = f"The payment was cancelled ({obj.get('cancellation_reason') or 'no reason'})."
        return [
            GatewayUpdate(
                gateway="stripe",
                kind=kind,
                gateway_order_id=str(obj.get("id") or ""),
                gateway_payment_id=str(obj.get("latest_charge") or obj.get("id") or ""),
                amount=from_stripe(int(raw_amount), currency) if currency else int(raw_amount),
                currency=currency,
                event_id=event_id,
                raw=data,
                occurred_at=at,
                failure_reason=reason,
            )
        ]
    if name == "charge.refunded":
        refunds = dig(obj, "refunds", "data") or []
        return [
            _refund_update(r, event_id=event_id, at=at, raw=data, charge=obj)
            for r in refunds
            if r.get("status") == "succeeded"
        ]
    if name in ("refund.created", "refund.updated") and obj.get("status") in (
        "succeeded",
        "failed",
        "canceled",
    ):
        return [_refund_update(obj, event_id=event_id, at=at, raw=data)]
    return []


def _refund_update(
    refund: dict[str, Any],
    *,
    event_id: str,
    at: datetime | None,
    raw: dict[str, Any],
    charge: dict[str, Any] | None = None,
) -> GatewayUpdate:
    currency = str(refund.get("currency") or (charge or {}).get("currency") or "").upper()
    failed = refund.get("status") in ("failed", "canceled")
    return GatewayUpdate(
        gateway="stripe",
        kind=UpdateKind.REFUND_FAILED if failed else UpdateKind.REFUND_PROCESSED,
        gateway_order_id=str(
            refund.get("payment_intent") or (charge or {}).get("payment_intent") or ""
        ),
        gateway_payment_id=str(refund.get("charge") or (charge or {}).get("id") or ""),
        amount=from_stripe(int(refund.get("amount") or 0), currency) if currency else 0,
        currency=currency,
        event_id=event_id,
        raw=raw,
        occurred_at=at,
        gateway_refund_id=str(refund.get("id") or ""),
        failure_reason=str(refund.get("failure_reason") or "") if failed else "",
    )
