"""The built-in test gateway's signed events: their body, signature and parsing.

Separate from the adapter (`testgateway`) because the inbox reads these to verify and
parse stored events, while the adapter stores events through the inbox.
"""

from __future__ import annotations

import json
import time

from haat.gateways import crypto
from haat.gateways.common import dig, from_unix, load_json
from haat.gateways.errors import InvalidSignature
from haat.gateways.types import GatewayUpdate, UpdateKind

SIGNATURE_HEADER = "X-Haat-Test-Signature"
_EVENT_KINDS = {
    "payment.captured": UpdateKind.CAPTURED,
    "payment.failed": UpdateKind.FAILED,
    "refund.processed": UpdateKind.REFUND_PROCESSED,
}


def event_body(
    *,
    event_id: str,
    event_type: str,
    session_id: str,
    payment_id: str,
    amount: int,
    currency: str,
    refund_id: str = "",
    reason: str = "",
) -> bytes:
    data = {
        "id": event_id,
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "session_id": session_id,
            "payment_id": payment_id,
            "amount": amount,
            "currency": currency,
            "refund_id": refund_id,
            "reason": reason,
        },
    }
    return json.dumps(data, separators=(",", ":")).encode()


def verify_webhook(body: bytes, signature: str) -> None:
    if not signature:
        raise InvalidSignature(f"Missing {SIGNATURE_HEADER} header.")
    if not crypto.same(crypto.sign_test_event(body), signature):
        raise InvalidSignature("The test gateway signature does not match.")


def parse_webhook(body: bytes, event_id: str) -> list[GatewayUpdate]:
    data = load_json(body)
    kind = _EVENT_KINDS.get(str(data.get("type", "")))
    if kind is None:
        return []
    return [
        GatewayUpdate(
            gateway="test",
            kind=kind,
            gateway_order_id=str(dig(data, "data", "session_id") or ""),
            gateway_payment_id=str(dig(data, "data", "payment_id") or ""),
            amount=int(dig(data, "data", "amount") or 0),
            currency=str(dig(data, "data", "currency") or "").upper(),
            event_id=event_id,
            raw=data,
            occurred_at=from_unix(data.get("created")),
            gateway_refund_id=str(dig(data, "data", "refund_id") or ""),
            failure_reason=str(dig(data, "data", "reason") or ""),
        )
    ]
