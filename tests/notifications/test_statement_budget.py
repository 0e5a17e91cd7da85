"""Statement budgets of the message pipeline on a sale day: queueing a batch of order events
and sending a batch of messages cost a fixed number of statements, not a dozen per event
(the benchmark, bench/notifications.py, measures the throughput this buys)."""

from __future__ import annotations

import math

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haat.core import settings_stamp
from haat.core.dispatch import dispatch_pending
from haat.core.outbox import emit_all
from haat.notifications import phones, sending
from haat.notifications.models import CodConfirmation, Consent, Message, Rule, Template
from haat.notifications.services import RuleChange, save_template, update_rule
from haat.orders.events import OrderPlaced
from tests.accounts.smtp import SmtpServer
from tests.core.test_outbox_batches import statements
from tests.notifications.helpers import order_with_messages

pytestmark = pytest.mark.django_db

# dispatch_pending for a batch of order.placed events, the notifications consumer the only
# one interested: 2 (due events, their deliveries) + 2 (lock, re-read deliveries) + 6
# (settings stamp, orders, their lines, the owner's staff list, suppressions, the messages
# INSERT) + 1 (delivery rows) + 1 (mark dispatched).
QUEUE_STATEMENTS = 12
# The same batch with WhatsApp set up and its rules on, for COD orders: two statements more
# per batch however many events, the consent rows of the batch's WhatsApp addresses (one
# SELECT) and the batch's COD confirmations opened (one INSERT ... ON CONFLICT DO NOTHING).
WHATSAPP_COD_STATEMENTS = QUEUE_STATEMENTS + 2
# send_due over one claim: recover stale claims, choose, claim and read the batch, one
# UPDATE per RECORD_EVERY messages sent, then a claim that finds nothing.
SEND_FIXED = 5


def _emit(orders, count: int) -> None:
    with transaction.atomic():
        emit_all(
            (
                OrderPlaced(
                    number=o.number,
                    token=o.token,
                    status=o.status,
                    payment_type=o.payment_type,
                    currency=o.currency_id,
                    total_amount=o.total_amount,
                    customer_id=o.customer_id,
                    email=o.email,
                    lines=[],
                ),
                o,
            )
            for o in (orders[i % len(orders)] for i in range(count))
        )


@pytest.fixture
def orders(warehouse, defaults, owner):
    placed = [order_with_messages()[0] for _ in range(3)]
    Message.objects.all().delete()
    return placed


def _queue(orders, count: int) -> int:
    _emit(orders, count)
    with CaptureQueriesContext(connection) as captured:
        assert dispatch_pending(batch_size=500) == count
    return len(statements(captured))


def test_queueing_a_batch_costs_the_same_for_2_or_12_events(orders):
    # (12, not hundreds: Django splits an INSERT past SQLite's 999 parameters, ~35 messages.)
    assert _queue(orders, 2) == QUEUE_STATEMENTS
    assert _queue(orders, 12) == QUEUE_STATEMENTS
    # One message for the customer and one for the owner per event, all distinct.
    assert Message.objects.filter(audience="customer").count() == 14
    assert Message.objects.filter(audience="staff").count() == 14
    assert Message.objects.values("key").distinct().count() == 28


def test_sending_a_batch_records_outcomes_in_a_few_updates(orders, settings):
    _emit(orders, 30)
    dispatch_pending(batch_size=500)
    queued = Message.objects.filter(status="queued").count()
    assert queued == 60
    with SmtpServer() as smtp:
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        with CaptureQueriesContext(connection) as captured:
            assert sending.send_due(limit=100) == queued
        assert len(smtp.received) == queued
    expected = SEND_FIXED + math.ceil(queued / sending.RECORD_EVERY)
    assert len(statements(captured)) == expected
    sent = Message.objects.filter(status="sent")
    assert sent.count() == queued
    assert sent.filter(provider_id="").count() == 0
    assert set(sent.values_list("claimed_until", flat=True)) == {None}


def test_rules_kept_between_batches_follow_a_change_at_once(orders):
    """Rules and templates are kept per process, but under the settings stamp: a rule
    switched off (or a template edited) is honoured by the very next batch."""
    _queue(orders, 2)
    rule = Rule.objects.get(event_type="order.placed", audience="staff")
    update_rule(rule_id=rule.pk, change=RuleChange(enabled=False))
    template = Template.objects.get(key="order_placed", channel="email", language="en")
    save_template(template_id=template.pk, subject="Got it: {{ order_number }}", body=template.body)
    Message.objects.all().delete()
    _queue(orders, 2)
    assert set(Message.objects.values_list("audience", flat=True)) == {"customer"}
    assert {m.subject for m in Message.objects.all()} == {f"Got it: {o.number}" for o in orders[:2]}
    assert set(Message.objects.values_list("template_version", flat=True)) == {2}


@pytest.fixture
def cod_orders(warehouse, defaults, owner, settings):
    settings.HAAT_WHATSAPP_PHONE_NUMBER_ID = "1098765"
    settings.HAAT_WHATSAPP_ACCESS_TOKEN = "test-token"
    Rule.objects.filter(channel="whatsapp").update(enabled=True)
    Rule.objects.filter(template_key="cod_confirmation").update(enabled=True)
    settings_stamp.bump()  # a bulk update sends no signal
    placed = [order_with_messages(payment_type="cod", status="confirmed")[0] for _ in range(3)]
    Message.objects.all().delete()
    CodConfirmation.objects.all().delete()
    return placed


def test_consent_and_cod_confirmations_cost_two_statements_a_batch(cod_orders):
    # (8 events: four messages each, and SQLite's 999 parameters split an INSERT past ~35.)
    assert _queue(cod_orders, 2) == WHATSAPP_COD_STATEMENTS
    assert _queue(cod_orders, 8) == WHATSAPP_COD_STATEMENTS
    # Per event: the notice and the COD question on WhatsApp, the e-mail notice and the
    # owner's; the e-mail COD question stays out (the WhatsApp one is on its way).
    assert Message.objects.filter(channel="whatsapp", status="queued").count() == 20
    assert Message.objects.filter(channel="email", template_key="cod_confirmation").count() == 0
    assert CodConfirmation.objects.count() == 3  # one per order, however many events

    # After a STOP the same batch asks by e-mail instead, at the same cost.
    Consent.objects.create(
        channel="whatsapp",
        address=phones.e164(cod_orders[0].phone),
        purpose="transactional",
        granted=False,
        source="whatsapp_stop",
        changed_at=timezone.now(),
    )
    Message.objects.all().delete()
    assert _queue(cod_orders, 6) == WHATSAPP_COD_STATEMENTS  # five messages each now
    whatsapp = Message.objects.filter(channel="whatsapp")
    assert whatsapp.count() == 12
    assert set(whatsapp.values_list("status", flat=True)) == {"failed"}
    assert Message.objects.filter(channel="email", template_key="cod_confirmation").count() == 6
