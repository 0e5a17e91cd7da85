"""Razorpay: orders, checkout signature, payment links, refunds, webhooks.

Protocol (docs/reference integrations §1): HTTP Basic `key_id:key_secret`, JSON bodies,
amounts in the currency's subunit (paise for INR, minimum 100). Creating an order has no
idempotency header, so a timed-out create is looked up by `receipt` before it is retried.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings

from haat.core.errors import ValidationError
from haat.gateways import crypto
from haat.gateways.common import currency_of, dig, from_unix, header, store_name
from haat.gateways.error_codes import GatewayErrorCode
from haat.gateways.errors import GatewayError, GatewayUnavailable, InvalidSignature
from haat.gateways.http import call
from haat.gateways.razorpay_events import (
    PAYMENT_STATUS_KINDS,
    payment_update,
)
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

MIN_INR_AMOUNT = 100
SIGNATURE_HEADER = "X-Razorpay-Signature"
EVENT_ID_HEADER = "X-Razorpay-Event-Id"


def _error_message(body: dict[str, Any]) -> str:
    return str(dig(body, "error", "description") or "")


class RazorpayGateway:
    code = "razorpay"
    supports_links = True

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.test_mode = credentials.test_mode
        self.base = settings.HAAT_RAZORPAY_API_BASE.rstrip("/")

    # --- transport ------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        pair = f"{self.credentials.key_id}:{self.credentials.secret}".encode()
        auth = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        return call(
            "Razorpay",
            method,
            self.base + path,
            headers={**auth, **(headers or {})},
            json_body=body,
            error_message=_error_message,
        ).body

    # --- checkout -------------------------------------------------------------------
    def create_checkout(
        self, *, payment: Payment, order: Order, return_url: str
    ) -> GatewayCheckout:
        """A Razorpay order for this payment; the storefront opens Checkout with it."""
        currency = currency_of(payment)
        _check_amount(payment.amount, currency)
        notes = {"haat_order": order.number, "haat_payment": str(payment.pk)}
        body = {
            "amount": payment.amount,
            "currency": currency,
            "receipt": order.number[:40],
            "notes": notes,
        }
        created = self._create_once(
            "/orders", body, lambda: self._find_order(order.number, notes, body)
        )
        return GatewayCheckout(
            gateway=self.code,
            gateway_order_id=created["id"],
            client_data={
                "key": self.credentials.key_id,
                "order_id": created["id"],
                "amount": payment.amount,
                "currency": currency,
                "name": store_name(),
                "description": f"Order {order.number}",
                "prefill": {"name": order.name, "email": order.email, "contact": order.phone},
                "notes": notes,
                "callback_url": return_url,
            },
        )

    def _create_once(self, path: str, body: dict[str, Any], lookup: Any) -> dict[str, Any]:
        """POST `body`; after a timeout or 5xx, reuse what the first attempt created (found
        by `lookup()`) before sending the POST a second time."""
        for attempt in (1, 2):
            try:
                return self._call("POST", path, body)
            except GatewayUnavailable:
                existing = lookup()  # a failed lookup raises: never risk a duplicate
                if existing is not None:
                    return existing
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _find_order(
        self, receipt: str, notes: dict[str, str], body: dict[str, Any]
    ) -> dict[str, Any] | None:
        found = self._call("GET", f"/orders?receipt={_quote(receipt)}")
        for item in found.get("items") or []:
            if (
                (item.get("notes") or {}).get("haat_payment") == notes["haat_payment"]
                and item.get("amount") == body["amount"]
                and item.get("currency") == body["currency"]
            ):
                return item
        return None

    def verify_checkout_signature(
        self, *, payment: Payment, razorpay_payment_id: str, razorpay_signature: str
    ) -> None:
        """Checkout's handler signature, over the order id **we stored** (never the one the
        callback sends) and the payment id. Raises InvalidSignature on a mismatch."""
        message = f"{payment.gateway_order_id}|{razorpay_payment_id}".encode()
        expected = crypto.hmac_sha256_hex(self.credentials.secret, message)
        if not razorpay_payment_id or not crypto.same(expected, razorpay_signature or ""):
            raise InvalidSignature(
                "The Razorpay payment signature does not match this payment.",
                details={"field": "razorpay_signature"},
            )

    def checkout_update(self, *, payment: Payment, params: dict[str, str]) -> GatewayUpdate:
        """Turn a verified Checkout callback into an update, reading the payment's real
        status and amount from Razorpay (the callback carries neither)."""
        payment_id = params.get("razorpay_payment_id", "")
        self.verify_checkout_signature(
            payment=payment,
            razorpay_payment_id=payment_id,
            razorpay_signature=params.get("razorpay_signature", ""),
        )
        entity = self.fetch_payment(payment_id)
        kind = PAYMENT_STATUS_KINDS.get(entity.get("status", ""), UpdateKind.AUTHORIZED)
        return payment_update(
            kind, entity, event_id=f"callback:{payment_id}:{entity.get('status', '')}"
        )

    def fetch_payment(self, payment_id: str) -> dict[str, Any]:
        return self._call("GET", f"/payments/{_quote(payment_id)}")

    def capture(self, *, gateway_payment_id: str, amount: int, currency: str) -> dict[str, Any]:
        """Capture an authorized payment; the amount must equal the authorized amount."""
        return self._call(
            "POST",
            f"/payments/{_quote(gateway_payment_id)}/capture",
            {"amount": amount, "currency": currency},
        )

    # --- payment links --------------------------------------------------------------
    def create_link(
        self, *, payment: Payment, order: Order, expire_by: datetime, callback_url: str
    ) -> GatewayLink:
        """A Razorpay Payment Link (reserve & pay). `reference_id` is unique per payment,
        so a retried create finds the first link instead of making a second one."""
        currency = currency_of(payment)
        _check_amount(payment.amount, currency)
        reference = f"{order.number}-{payment.pk}"[:40]
        body = {
            "amount": payment.amount,
            "currency": currency,
            "accept_partial": False,
            "reference_id": reference,
            "description": f"{store_name()} order {order.number}"[:2048],
            "customer": {"name": order.name, "email": order.email, "contact": order.phone},
            "notify": {"sms": True, "email": True},
            "reminder_enable": True,
            "expire_by": int(expire_by.timestamp()),
            "callback_url": callback_url,
            "callback_method": "get",
            "notes": {"haat_order": order.number, "haat_payment": str(payment.pk)},
        }

        def lookup() -> dict[str, Any] | None:
            found = self._call("GET", f"/payment_links?reference_id={_quote(reference)}")
            links = found.get("payment_links") or found.get("items") or []
            return next((link for link in links if link.get("reference_id") == reference), None)

        link = self._create_once("/payment_links", body, lookup)
        return GatewayLink(
            gateway=self.code,
            link_id=link["id"],
            url=link.get("short_url", ""),
            expires_at=from_unix(link.get("expire_by")) or expire_by,
        )

    def verify_link_callback(self, *, payment: Payment, params: dict[str, str]) -> None:
        """The link callback's signature over `plink_id|reference_id|status|payment_id`,
        with the link id **we stored**. Raises InvalidSignature on a mismatch."""
        message = "|".join(
            [
                payment.gateway_order_id,
                params.get("razorpay_payment_link_reference_id", ""),
                params.get("razorpay_payment_link_status", ""),
                params.get("razorpay_payment_id", ""),
            ]
        ).encode()
        expected = crypto.hmac_sha256_hex(self.credentials.secret, message)
        if not crypto.same(expected, params.get("razorpay_signature", "")):
            raise InvalidSignature(
                "The Razorpay payment link signature does not match this link.",
                details={"field": "razorpay_signature"},
            )

    # --- refunds --------------------------------------------------------------------
    def refund(self, *, refund: Refund, payment: Payment) -> GatewayRefundResult:
        """Refund through Razorpay with a deterministic `X-Refund-Idempotency` key, so a
        retry after a timeout cannot refund twice."""
        if not payment.gateway_payment_id:
            raise ValidationError(
                "This payment has no Razorpay payment id to refund.",
                code=GatewayErrorCode.NOT_REFUNDABLE,
                details={"field": "payment"},
            )
        headers = {"X-Refund-Idempotency": refund.gateway_idempotency_key}
        body = {
            "amount": refund.amount,
            "speed": "normal",
            "receipt": f"refund-{refund.pk}"[:40],
            "notes": {"haat_refund": str(refund.pk), "reason": (refund.reason or "")[:250]},
        }
        path = f"/payments/{_quote(payment.gateway_payment_id)}/refund"
        for attempt in (1, 2):
            try:
                data = self._call("POST", path, body, headers)
                break
            except GatewayUnavailable:
                if attempt == 2:
                    raise
            except GatewayError as exc:
                if exc.details.get("status") == 409:
                    raise GatewayUnavailable(
                        "Razorpay is still processing this refund; try again in a minute.",
                        details=exc.details,
                    ) from None
                raise
        status = data.get("status", "pending")
        return GatewayRefundResult(
            gateway_refund_id=data.get("id", ""),
            status=status if status in ("pending", "processed", "failed") else "pending",
            raw=data,
        )

    # --- webhooks -------------------------------------------------------------------
    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> None:
        verify_webhook(body, header(headers, SIGNATURE_HEADER), self.credentials.webhook_secrets)


def verify_webhook(body: bytes, signature: str, secrets: tuple[str, ...]) -> None:
    """`X-Razorpay-Signature` = hex HMAC-SHA256 of the raw body with the webhook secret
    (current or, after a rotation, the previous one)."""
    if not secrets:
        raise InvalidSignature(
            "No Razorpay webhook secret is configured.", code=GatewayErrorCode.NOT_CONFIGURED
        )
    if not signature:
        raise InvalidSignature(f"Missing {SIGNATURE_HEADER} header.")
    if not any(crypto.same(crypto.hmac_sha256_hex(s, body), signature) for s in secrets):
        raise InvalidSignature("The Razorpay webhook signature does not match.")


def _check_amount(amount: int, currency: str) -> None:
    if currency == "INR" and amount < MIN_INR_AMOUNT:
        raise ValidationError(
            "Razorpay takes at least ₹1.00 (100 paise) per payment.",
            code=GatewayErrorCode.AMOUNT_TOO_SMALL,
            details={"field": "amount", "minimum": MIN_INR_AMOUNT},
        )


def _quote(value: str) -> str:
    return quote(str(value), safe="")
