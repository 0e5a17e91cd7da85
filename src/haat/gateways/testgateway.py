"""The built-in test gateway: a hosted page with "Pay successfully" / "Fail payment".

Nothing here marks an order paid directly. A click (or a refund) becomes a signed
`WebhookEvent(gateway="test")` processed by the same task as Razorpay's and Stripe's
webhooks, so the test gateway exercises the real path end to end. It is refused where
`HAAT_TEST_GATEWAY_ENABLED` is off (production by default). The events' body, signature
and parsing are in `testgateway_events`.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse

from haat.gateways import crypto
from haat.gateways.common import currency_of
from haat.gateways.inbox import store_event
from haat.gateways.testgateway_events import SIGNATURE_HEADER, event_body
from haat.gateways.types import GatewayCheckout, GatewayLink, GatewayRefundResult

if TYPE_CHECKING:
    from haat.gateways.models import WebhookEvent
    from haat.orders.models import Order
    from haat.payments.models import Payment, Refund


class TestGateway:
    __test__ = False  # not a pytest test class
    code = "test"
    test_mode = True
    supports_links = True

    def create_checkout(
        self, *, payment: Payment, order: Order, return_url: str
    ) -> GatewayCheckout:
        return GatewayCheckout(
            gateway=self.code,
            gateway_order_id=f"test_{secrets.token_urlsafe(16)}",
            redirect_url=pay_page_url(payment, return_url),
        )

    def create_link(
        self, *, payment: Payment, order: Order, expire_by: datetime, callback_url: str
    ) -> GatewayLink:
        return GatewayLink(
            gateway=self.code,
            link_id=f"testlink_{secrets.token_urlsafe(16)}",
            url=pay_page_url(payment, callback_url),
            expires_at=expire_by,
        )

    def refund(self, *, refund: Refund, payment: Payment) -> GatewayRefundResult:
        """Processed at once; the `refund_processed` update also goes through the webhook
        path (enqueued on commit of the caller's transaction, deduplicated per refund)."""
        refund_id = f"testrfnd_{refund.pk}"
        body = event_body(
            event_id=f"testevt_refund_{refund.pk}",
            event_type="refund.processed",
            session_id=payment.gateway_order_id,
            payment_id=payment.gateway_payment_id,
            amount=refund.amount,
            currency=currency_of(refund),
            refund_id=refund_id,
        )
        _store_signed(body)
        return GatewayRefundResult(
            gateway_refund_id=refund_id, status="processed", raw=json.loads(body)
        )


def pay_page_url(payment: Any, return_url: str = "") -> str:
    url = reverse("gateways_public:test_pay", args=[payment.token])
    return f"{url}?{urlencode({'return_url': return_url})}" if return_url else url


def payment_event(*, payment: Any, succeed: bool) -> WebhookEvent:
    """Store the signed event a click on the hosted page produces (and enqueue it).

    The event id is fixed per session, so the first click decides and a second click
    (double submit, another tab) is a duplicate that changes nothing."""
    session = payment.gateway_order_id
    body = event_body(
        event_id=f"testevt_{session}",
        event_type="payment.captured" if succeed else "payment.failed",
        session_id=session,
        payment_id=f"testpay_{session.removeprefix('test_')}",
        amount=payment.amount,
        currency=currency_of(payment),
        reason="" if succeed else "The payment was declined on the test gateway page.",
    )
    return _store_signed(body)


def _store_signed(body: bytes) -> WebhookEvent:
    data = json.loads(body)
    event, _created = store_event(
        gateway="test",
        event_id=data["id"],
        event_type=data["type"],
        headers={SIGNATURE_HEADER: crypto.sign_test_event(body)},
        body=body,
    )
    return event
