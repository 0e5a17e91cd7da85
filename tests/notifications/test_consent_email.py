"""Marketing e-mail needs an opt-in and carries a signed one-click unsubscribe (RFC 8058);
the link (or a mail client's one-click POST) withdraws marketing consent, recorded with its
source; a forged link changes nothing; order updates keep going."""

from __future__ import annotations

import pytest
from django.core import mail

from haat.notifications import consent
from haat.notifications.models import Consent, ConsentChange, Message, Rule, Template
from tests.notifications.helpers import order_with_messages, send_all

pytestmark = pytest.mark.django_db

ADDRESS = "asha@example.in"


@pytest.fixture
def offer_rule(defaults):
    """A marketing message on every order (the shipped rules are all transactional)."""
    Template.objects.create(
        key="offer",
        event_type="order.placed",
        channel="email",
        language="en",
        subject="10% off your next order",
        body="Hello {{ customer_name }}, here is 10% off.",
    )
    Rule.objects.create(
        event_type="order.placed",
        name="Offer",
        channel="email",
        audience="customer",
        template_key="offer",
    )


def _offer(order) -> Message:
    return Message.objects.get(order_number=order.number, template_key="offer")


def test_marketing_needs_an_opt_in(warehouse, offer_rule):
    order, _ = order_with_messages()
    offer = _offer(order)
    assert offer.status == "failed" and "has not agreed to offers" in offer.error
    assert Message.objects.get(order_number=order.number, template_key="order_placed").status == (
        "queued"
    )


def test_one_click_unsubscribe(client, warehouse, offer_rule):
    consent.record(
        channel="email", address=ADDRESS, purpose="marketing", granted=True, source="checkout"
    )
    order, _ = order_with_messages()
    offer = _offer(order)
    assert offer.status == "queued"
    send_all()
    [sent] = [m for m in mail.outbox if m.subject.startswith("10%")]
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in sent.body
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200  # a link scanner's GET changes nothing
    assert consent.allowed(channel="email", address=ADDRESS, purpose="marketing")
    forged = path.rsplit(":", 1)[0] + ":forged"
    assert client.post(f"/{forged}", {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.post(f"/{path}", {"List-Unsubscribe": "One-Click"}).status_code == 200
    row = Consent.objects.get(channel="email", address=ADDRESS, purpose="marketing")
    assert not row.granted and row.source == "unsubscribe_link"
    assert [c.source for c in ConsentChange.objects.order_by("id")] == [
        "checkout",
        "unsubscribe_link",
    ]
    order, _ = order_with_messages()
    assert _offer(order).status == "failed"
    assert Message.objects.get(order_number=order.number, template_key="order_placed").status == (
        "queued"
    )
