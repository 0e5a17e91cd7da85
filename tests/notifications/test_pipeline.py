"""From an order event to a sent e-mail: rules, rendering, the record, retries, resend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from haat.core import settings_stamp
from haat.core.dispatch import dispatch_pending
from haat.core.errors import Conflict
from haat.core.events import Delivery
from haat.notifications import queueing, sending
from haat.notifications.models import Message, Rule, Template
from haat.notifications.services import resend
from haat.orders.events import OrderPlaced
from tests.accounts.smtp import SmtpServer, free_port, smtp_settings
from tests.notifications.helpers import order_with_messages

pytestmark = pytest.mark.django_db


def test_an_order_placed_queues_the_customer_and_owner_e_mails(warehouse, defaults, owner):
    order, messages = order_with_messages()
    by_key = {m.template_key: m for m in messages}
    assert set(by_key) == {"order_placed", "new_order_staff"}
    customer = by_key["order_placed"]
    assert (customer.recipient, customer.status, customer.language) == (
        "asha@example.in",
        "queued",
        "en",
    )
    assert customer.subject == f"Your order {order.number} at Haat Store"
    assert "Kurta × 1: ₹1,000.00" in customer.body_text
    assert "Total: ₹1,000.00 (Prepaid)" in customer.body_text
    assert f"/pay/{order.token}" in customer.body_text
    assert customer.template_version == 1
    assert "<html" in customer.body_html and "Haat Store" in customer.body_html
    assert by_key["new_order_staff"].recipient == owner.email
    assert by_key["new_order_staff"].audience == "staff"


def test_sending_goes_through_a_real_smtp_server_with_text_and_html(warehouse, defaults, settings):
    order, _ = order_with_messages()
    with SmtpServer() as smtp:
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        assert sending.send_due() == 1  # the customer's; no staff with an e-mail here
    [received] = smtp.received
    assert received.recipients == ["asha@example.in"]
    assert received.message["Subject"] == f"Your order {order.number} at Haat Store"
    parts = [p.get_content_type() for p in received.message.walk()]
    assert "text/plain" in parts and "text/html" in parts
    message = Message.objects.get(order_number=order.number)
    assert message.status == "sent" and message.attempts == 1 and message.sent_at
    assert message.provider_id == received.message["Message-ID"]


def test_one_message_per_event_channel_and_recipient_however_often_the_consumer_runs(
    warehouse, defaults
):
    order, messages = order_with_messages()
    event = OrderPlaced.model_validate(
        {**OrderPlaced.example, "number": order.number, "token": order.token}
    )
    delivery = Delivery(
        event_id=messages[0].event_id,
        aggregate_type="orders.order",
        aggregate_id=str(order.pk),
        created_at=timezone.now(),
        key="x",
    )
    queueing.write(queueing.plan(event, delivery))  # a re-run after a crash
    assert Message.objects.filter(order_number=order.number, channel="email").count() == len(
        messages
    )


def test_conditions_payment_type_and_minimum_value(warehouse, defaults):
    _, messages = order_with_messages(payment_type="cod", status="confirmed")
    assert [m.template_key for m in messages] == ["order_placed"]  # not "confirmed" for COD
    Rule.objects.filter(template_key="order_placed", channel="email").update(
        min_total_amount=500000
    )
    settings_stamp.bump()  # a bulk update sends no signal
    _, messages = order_with_messages()
    assert messages == []  # ₹1,000 is below ₹5,000
    Rule.objects.filter(template_key="order_placed", channel="email").update(
        min_total_amount=None, enabled=False
    )
    settings_stamp.bump()  # a bulk update sends no signal
    _, messages = order_with_messages()
    assert messages == []


def test_hindi_rule_writes_in_hindi(warehouse, defaults):
    Rule.objects.filter(template_key="order_placed", channel="email").update(language="hi")
    settings_stamp.bump()  # a bulk update sends no signal
    order, [message] = order_with_messages()
    assert message.language == "hi"
    assert message.body_text.startswith("नमस्ते Asha")
    assert order.number in message.subject


def test_a_failing_server_is_retried_with_back_off_then_listed_failed_and_resent(
    warehouse, defaults, settings
):
    _, [message] = order_with_messages()
    for key, value in smtp_settings(free_port()).items():  # nothing listens there
        setattr(settings, key, value)
    assert sending.send_due() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "Nothing answered at the mail server" in message.error
    assert message.next_attempt_at > timezone.now()
    assert sending.send_due() == 0  # not due yet: nothing claimed
    for _ in range(sending.MAX_ATTEMPTS - 1):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=None)
        sending.send_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", sending.MAX_ATTEMPTS)
    assert message.failed_at

    resend(message_id=message.pk)
    with pytest.raises(Conflict):
        resend(message_id=message.pk)  # queued now: not resendable
    with SmtpServer() as smtp:
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        assert sending.send_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == ("sent", 1, "")
    assert len(smtp.received) == 1


def test_a_refused_address_fails_at_once(warehouse, defaults, settings):
    _, [message] = order_with_messages()
    with SmtpServer() as smtp:
        smtp.mailbox.refuse.add("asha@example.in")
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        sending.send_due()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 1
    assert "refused the recipient" in message.error


def test_a_sender_that_died_mid_call_is_not_retried_blindly_over_smtp(warehouse, defaults):
    _, [message] = order_with_messages()
    [claimed] = sending.claim()
    assert claimed.pk == message.pk
    assert sending.claim() == []  # claimed: nobody else gets it
    later = timezone.now() + sending.LEASE + timedelta(seconds=1)
    assert sending.recover_stale(now=later) == 1
    message.refresh_from_db()
    assert message.status == "failed" and message.error == sending.UNKNOWN_OUTCOME
    assert mail.outbox == []  # never handed over twice


def test_template_edits_are_versioned_and_messages_record_the_version(warehouse, defaults):
    template = Template.objects.get(key="order_placed", channel="email", language="en")
    template.subject = "Thanks! {{ order_number }}"
    template.version = 2
    template.save()
    order, [message] = order_with_messages()
    assert (message.subject, message.template_version) == (f"Thanks! {order.number}", 2)


def test_dispatch_is_unaffected_by_events_no_rule_wants(warehouse, defaults):
    Rule.objects.update(enabled=False)
    settings_stamp.bump()  # a bulk update sends no signal
    order_with_messages()
    assert Message.objects.count() == 0
    assert dispatch_pending() == 0


def test_every_source_has_its_consumer():
    from haat.core.events import consumers
    from haat.notifications.sources import SOURCES

    subscribed = {
        cls.event_type
        for c in consumers()
        if c.name.startswith("notifications.")
        for cls in c.events
    }
    assert subscribed == set(SOURCES)


def test_a_batch_past_half_its_lease_hands_the_rest_back(warehouse, defaults, monkeypatch):
    order_with_messages()
    order_with_messages()
    claimed = sending.claim()
    assert len(claimed) == 2
    monkeypatch.setattr(sending, "LEASE", timedelta(0))  # every message is already late
    assert sending.send_claimed(claimed) == 0
    rows = list(Message.objects.values_list("status", "attempts", "claim_token"))
    assert rows == [("queued", 0, ""), ("queued", 0, "")]
    assert mail.outbox == []
    monkeypatch.undo()
    assert sending.send_due() == 2  # and the next worker sends them
