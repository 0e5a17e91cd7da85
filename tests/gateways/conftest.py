"""Fixtures for gateway tests: local Razorpay/Stripe servers, orders, running the queue."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from haat.customers.services import match_or_create_customer
from haat.gateways.tasks import process_webhook_event
from haat.orders.models import Order
from haat.orders.services import LineInput, create_order
from tests.gateways.servers import RazorpayServer, StripeServer

RZP_KEY_ID = "rzp_test_1DP5mmOlF5G5ag"
RZP_KEY_SECRET = "rzp-key-secret-abc123"
RZP_WEBHOOK_SECRET = "rzp-webhook-secret-xyz"
STRIPE_SECRET = "sk_test_51Haat000000000000000"
STRIPE_WEBHOOK_SECRET = "whsec_test_haat_0123456789"
ADDRESS = {
    "name": "Meera Iyer",
    "line1": "12 Residency Road",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560025",
    "country": "IN",
}
_seq = itertools.count(1)


@pytest.fixture
def razorpay(settings):
    server = RazorpayServer(RZP_KEY_ID, RZP_KEY_SECRET).start()
    settings.HAAT_RAZORPAY_API_BASE = server.base_url
    settings.HAAT_RAZORPAY_KEY_ID = RZP_KEY_ID
    settings.HAAT_RAZORPAY_KEY_SECRET = RZP_KEY_SECRET
    settings.HAAT_RAZORPAY_WEBHOOK_SECRET = RZP_WEBHOOK_SECRET
    settings.HAAT_GATEWAY_TIMEOUT_SECONDS = 0.4
    yield server
    server.stop()


@pytest.fixture
def stripe(settings):
    server = StripeServer(STRIPE_SECRET).start()
    settings.HAAT_STRIPE_API_BASE = server.base_url
    settings.HAAT_STRIPE_SECRET_KEY = STRIPE_SECRET
    settings.HAAT_STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.HAAT_GATEWAY_TIMEOUT_SECONDS = 0.4
    yield server
    server.stop()


def make_order(*, currency: str = "INR", unit_amount: int = 29900, quantity: int = 1) -> Order:
    """A prepaid order waiting for payment, through the orders service."""
    n = next(_seq)
    customer = match_or_create_customer(
        email=f"meera{n}@example.in", phone="+919845012345", name="Meera Iyer"
    )
    return create_order(
        customer=customer,
        currency=currency,
        email=customer.email,
        phone="+919845012345",
        name="Meera Iyer",
        shipping_address=dict(ADDRESS),
        billing_address=dict(ADDRESS),
        lines=[
            LineInput(
                variant_id=None,
                sku=f"KURTA-{n}",
                product_title="Block-print Kurta",
                option_values={},
                quantity=quantity,
                unit_amount=unit_amount,
            )
        ],
        payment_type="prepaid",
        status=Order.Status.PENDING_PAYMENT,
    )


def drain() -> int:
    """Run the queued webhook-processing tasks the way a worker would; returns how many."""
    ran = 0
    for row in DBTaskResult.objects.filter(task_path=process_webhook_event.module_path).order_by(
        "enqueued_at"
    ):
        process_webhook_event.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.delete()
        ran += 1
    return ran


# --- signing exactly as the gateways document (independent of Haat's code) ------------------
def razorpay_headers(body: bytes, *, secret: str = RZP_WEBHOOK_SECRET, event_id: str = "") -> dict:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"HTTP_X_RAZORPAY_SIGNATURE": signature}
    if event_id:
        headers["HTTP_X_RAZORPAY_EVENT_ID"] = event_id
    return headers


def stripe_headers(
    body: bytes,
    *,
    secret: str = STRIPE_WEBHOOK_SECRET,
    timestamp: int | None = None,
    extra: str = "",
) -> dict:
    t = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_STRIPE_SIGNATURE": f"t={t},{extra}v1={signature}"}


def razorpay_event(event: str, **payload: Any) -> bytes:
    data = {
        "entity": "event",
        "account_id": "acc_BFQ7uQEaa7j2z7",
        "event": event,
        "contains": list(payload),
        "payload": {name: {"entity": entity} for name, entity in payload.items()},
        "created_at": int(time.time()),
    }
    return json.dumps(data).encode()


def stripe_event(event_type: str, obj: dict[str, Any], *, event_id: str = "") -> bytes:
    data = {
        "id": event_id or f"evt_{next(_seq):014d}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }
    return json.dumps(data).encode()
