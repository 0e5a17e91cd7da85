"""Provider tracking through anymail's signal, bounce suppression, and back-in-stock
subscribers told for real."""

from __future__ import annotations

import base64

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from haat.core import settings_stamp
from haat.core.dispatch import dispatch_pending
from haat.inventory import services as inventory
from haat.inventory.models import BackInStockSubscription
from haat.notifications import sending
from haat.notifications.models import Message, Rule, Suppression
from tests.checkout.helpers import make_variant
from tests.notifications.helpers import order_with_messages

pytestmark = pytest.mark.django_db


def _track(event_type: str, message: Message, **extra) -> None:
    event = AnymailTrackingEvent(
        event_type=event_type,
        message_id=message.provider_id,
        recipient=message.recipient,
        **extra,
    )
    tracking.send(sender=object, event=event, esp_name="Resend")


def test_delivered_then_opened_moves_forward_only(warehouse, defaults):
    _, [message] = order_with_messages()
    sending.send_due()
    message.refresh_from_db()
    _track("opened", message)
    message.refresh_from_db()
    assert message.status == "read" and message.read_at and message.delivered_at
    _track("delivered", message)  # late, out of order
    message.refresh_from_db()
    assert message.status == "read"


def test_a_bounce_fails_the_message_and_suppresses_the_address(warehouse, defaults):
    _, [message] = order_with_messages()
    sending.send_due()
    message.refresh_from_db()
    _track("bounced", message, description="550 mailbox unavailable")
    message.refresh_from_db()
    assert message.status == "failed"
    assert "bounced: 550 mailbox unavailable" in message.error
    assert Suppression.objects.filter(address="asha@example.in", reason="bounced").exists()

    _, [next_one] = order_with_messages()  # same customer, next order
    assert next_one.status == "failed"
    assert "bounced or complained earlier" in next_one.error
    assert sending.send_due() == 0


def test_tracking_for_an_unknown_message_changes_nothing(warehouse, defaults):
    _, [message] = order_with_messages()
    sending.send_due()
    event = AnymailTrackingEvent(event_type="bounced", message_id="<nope@x>", recipient="a@b.in")
    tracking.send(sender=object, event=event, esp_name="Resend")
    message.refresh_from_db()
    assert message.status == "sent"
    assert not Suppression.objects.exists()


def test_back_in_stock_subscribers_are_stamped_only_when_a_message_is_queued(warehouse, defaults):
    variant = make_variant(price="499.00", stock=0, title="Indigo kurta")
    by_email = inventory.subscribe_back_in_stock(variant_id=variant.pk, email="meera@example.in")
    by_phone = inventory.subscribe_back_in_stock(variant_id=variant.pk, phone="98765 43210")
    inventory.receive_stock(
        variant_id=variant.pk, location_id=warehouse.pk, quantity=3, note="restock"
    )
    dispatch_pending()
    [message] = Message.objects.filter(event_type="inventory.back_in_stock_notice_due")
    assert message.recipient == "meera@example.in"
    assert message.subject == "Indigo kurta is back in stock"
    notified = dict(BackInStockSubscription.objects.values_list("id", "notified_at"))
    assert notified[by_email.subscription.pk] is not None
    assert notified[by_phone.subscription.pk] is None  # no SMS channel yet: still waiting


def test_back_in_stock_with_the_rule_off_stamps_nobody(warehouse, defaults):
    Rule.objects.filter(template_key="back_in_stock").update(enabled=False)
    settings_stamp.bump()  # a bulk update sends no signal
    variant = make_variant(price="499.00", stock=0)
    inventory.subscribe_back_in_stock(variant_id=variant.pk, email="meera@example.in")
    inventory.receive_stock(
        variant_id=variant.pk, location_id=warehouse.pk, quantity=3, note="restock"
    )
    dispatch_pending()
    assert not Message.objects.exists()
    assert BackInStockSubscription.objects.get().notified_at is None


def test_a_provider_webhook_updates_the_record(client, warehouse, defaults, settings):
    """Postmark's tracking webhook through anymail's real view (basic auth, its JSON)."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}
    _, [message] = order_with_messages()
    sending.send_due()
    message.refresh_from_db()
    url = "/webhooks/anymail/postmark/tracking/"
    body = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "MessageID": message.provider_id,
        "Email": message.recipient,
        "Description": "The server was unable to deliver your message",
        "BouncedAt": "2026-12-02T10:00:00Z",
    }
    forged = client.post(url, body, content_type="application/json")
    assert forged.status_code in (400, 401, 403)
    message.refresh_from_db()
    assert message.status == "sent"  # an unsigned callback changes nothing
    auth = "Basic " + base64.b64encode(b"hook:s3cret").decode()
    r = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert r.status_code == 200
    message.refresh_from_db()
    assert message.status == "failed" and "bounced" in message.error
    assert Suppression.objects.filter(address=message.recipient).exists()
