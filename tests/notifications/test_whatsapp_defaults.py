"""A store that never set WhatsApp up: its WhatsApp rules ship off, say why on the rules
page and cannot be switched on until it is; a COD order is asked by e-mail link instead, and
nothing lands in the failed list."""

from __future__ import annotations

import pytest

from haat.core.dispatch import dispatch_pending
from haat.notifications.models import CodConfirmation, Message, Rule
from haat.notifications.services import ensure_defaults
from tests.checkout.helpers import make_variant
from tests.notifications import whatsapp_server as wa
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    ensure_defaults()  # the shipped rules as they are (no fixture switching them)


def test_whatsapp_rules_ship_off_and_a_cod_order_is_asked_by_email(shipped, warehouse):
    assert Rule.objects.filter(channel="whatsapp").exists()
    assert not Rule.objects.filter(channel="whatsapp", enabled=True).exists()
    assert Rule.objects.get(channel="email", template_key="cod_confirmation").enabled
    variant = make_variant(price="1299.00", stock=10)
    order = make_order(variant, payment_type="cod", status="confirmed")
    dispatch_pending()
    messages = Message.objects.filter(order_number=order.number)
    assert not messages.filter(channel="whatsapp").exists()
    assert not messages.filter(status="failed").exists()
    mail = messages.get(channel="email", template_key="cod_confirmation")
    assert mail.status == "queued" and "/cod/" in mail.body_text
    assert CodConfirmation.objects.get(order_id=order.pk).status == "waiting"


def test_a_whatsapp_rule_stays_off_until_whatsapp_is_set_up(
    shipped, staff_client, admin_api, settings
):
    client = staff_client()
    page = client.get("/dashboard/messages/rules/").content.decode()
    assert "Thank the customer on WhatsApp" in page
    assert "WhatsApp is not set up" in page and "HAAT_WHATSAPP_ACCESS_TOKEN" in page
    rule = Rule.objects.get(channel="whatsapp", template_key="order_placed")
    r = client.post("/dashboard/messages/rules/", {"rule": rule.pk, "enabled": "on"}, follow=True)
    assert "WhatsApp is not set up" in r.content.decode()
    rule.refresh_from_db()
    assert not rule.enabled
    api = admin_api()
    refused = api.patch(f"/api/v1/admin/message-rules/{rule.pk}", {"enabled": True})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "whatsapp_not_ready"
    settings.HAAT_WHATSAPP_PHONE_NUMBER_ID = wa.PHONE_NUMBER_ID
    settings.HAAT_WHATSAPP_ACCESS_TOKEN = wa.TOKEN
    on = api.patch(f"/api/v1/admin/message-rules/{rule.pk}", {"enabled": True})
    assert on.status_code == 200 and on.json()["enabled"] is True
    assert "WhatsApp is not set up" not in client.get("/dashboard/messages/rules/").content.decode()
