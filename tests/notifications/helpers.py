"""Builders for notifications tests: real orders through the orders service, events through
the real outbox dispatcher, messages through the real sender."""

from __future__ import annotations

from haat.core.dispatch import dispatch_pending
from haat.notifications.models import Message
from haat.notifications.sending import send_due
from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order


def order_with_messages(channel: str = "email", **kwargs):
    """An order placed by the orders service, its events dispatched: (order, its messages on
    `channel`; WhatsApp's are in tests/notifications/test_whatsapp*.py)."""
    order = make_order(make_variant(price="1299.00", stock=10), **kwargs)
    dispatch_pending()
    rows = Message.objects.filter(order_number=order.number, channel=channel)
    return order, list(rows.order_by("id"))


def send_all() -> int:
    return send_due()
