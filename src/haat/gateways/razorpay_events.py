"""Razorpay webhook payloads → `GatewayUpdate`s.

Payload shapes: `{"event": "payment.captured", "payload": {"payment": {"entity": {...}}},
"created_at": ...}`; refunds carry `refund` and `payment` entities, link events carry
`payment_link` (and for `paid`, `payment` and `order`). Amounts are in the currency's
subunit, as Haat stores them. Delivery is at least once and out of order; dedupe is the
inbox's job and ordering is `apply_gateway_update`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from haat.gateways.common import dig, from_unix, load_json
from haat.gateways.types import GatewayUpdate, UpdateKind


def event_type(body: bytes) -> str:
    return str(load_json(body).get("event", ""))


PAYMENT_STATUS_KINDS = {
    "authorized": UpdateKind.AUTHORIZED,
    "captured": UpdateKind.CAPTURED,
    "failed": UpdateKind.FAILED,
}
_PAYMENT_EVENTS = {
    "payment.authorized": UpdateKind.AUTHORIZED,
    "payment.captured": UpdateKind.CAPTURED,
    "payment.failed": UpdateKind.FAILED,
    "order.paid": UpdateKind.CAPTURED,
}
_REFUND_EVENTS = {
    "refund.processed": UpdateKind.REFUND_PROCESSED,
    "refund.failed": UpdateKind.REFUND_FAILED,
}
_LINK_EVENTS = {
    "payment_link.paid": (UpdateKind.LINK_PAID, ""),
    "payment_link.expired": (UpdateKind.LINK_EXPIRED, "The payment link expired."),
    "payment_link.cancelled": (UpdateKind.LINK_EXPIRED, "The payment link was cancelled."),
}


def parse_webhook(body: bytes, event_id: str) -> list[GatewayUpdate]:
    """The updates in one Razorpay webhook; [] for events Haat does not act on."""
    data = load_json(body)
    name = str(data.get("event", ""))
    payload = data.get("payload") or {}
    at = from_unix(data.get("created_at"))
    payment = dig(payload, "payment", "entity") or {}
    if name in _PAYMENT_EVENTS and payment:
        return [payment_update(_PAYMENT_EVENTS[name], payment, event_id=event_id, at=at, raw=data)]
    if name in _REFUND_EVENTS:
        refund = dig(payload, "refund", "entity") or {}
        return [
            GatewayUpdate(
                gateway="razorpay",
                kind=_REFUND_EVENTS[name],
                gateway_order_id=str(payment.get("order_id") or ""),
                gateway_payment_id=str(refund.get("payment_id") or payment.get("id") or ""),
                amount=int(refund.get("amount") or 0),
                currency=str(refund.get("currency") or payment.get("currency") or "").upper(),
                event_id=event_id,
                raw=data,
                occurred_at=at,
                gateway_refund_id=str(refund.get("id") or ""),
                failure_reason="The refund failed at Razorpay." if name == "refund.failed" else "",
            )
        ]
    if name in _LINK_EVENTS:
        link = dig(payload, "payment_link", "entity") or {}
        kind, reason = _LINK_EVENTS[name]
        amount = payment.get("amount") if payment else link.get("amount_paid")
        return [
            GatewayUpdate(
                gateway="razorpay",
                kind=kind,
                gateway_order_id=str(link.get("id") or ""),
                gateway_payment_id=str(payment.get("id") or ""),
                amount=int(amount or 0)
                if kind == UpdateKind.LINK_PAID
                else int(link.get("amount") or 0),
                currency=str(link.get("currency") or "").upper(),
                event_id=event_id,
                raw=data,
                occurred_at=at,
                failure_reason=reason,
            )
        ]
    return []


def payment_update(
    kind: str,
    entity: dict[str, Any],
    *,
    event_id: str,
    at: datetime | None = None,
    raw: dict[str, Any] | None = None,
) -> GatewayUpdate:
    reason = ""
    if kind == UpdateKind.FAILED:
        reason = str(entity.get("error_description") or "The payment failed at Razorpay.")
    return GatewayUpdate(
        gateway="razorpay",
        kind=kind,
        gateway_order_id=str(entity.get("order_id") or ""),
        gateway_payment_id=str(entity.get("id") or ""),
        amount=int(entity.get("amount") or 0),
        currency=str(entity.get("currency") or "").upper(),
        event_id=event_id,
        raw=raw if raw is not None else {"payment": entity},
        occurred_at=at or from_unix(entity.get("created_at")),
        failure_reason=reason,
    )
