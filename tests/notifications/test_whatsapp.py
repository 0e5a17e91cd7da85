"""WhatsApp Cloud API: template messages against a local server speaking the Graph API's
shapes, the signed webhook (handshake, statuses in any order, replays, forgeries), STOP and
consent, and the COD confirmation through a signed button reply."""

from __future__ import annotations

import json

import pytest

from haat.core import settings_stamp
from haat.core.dispatch import dispatch_pending
from haat.core.models import AuditLogEntry
from haat.inventory.sql import available_units
from haat.notifications import cod, phones, whatsapp_channel
from haat.notifications.models import (
    CodConfirmation,
    Consent,
    ConsentChange,
    Message,
    Rule,
    Template,
    WhatsAppCallback,
)
from haat.orders.models import Order
from tests.checkout.helpers import make_variant
from tests.notifications import whatsapp_server as wa
from tests.notifications.helpers import send_all
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def whatsapp_rules(defaults):
    Rule.objects.filter(channel="whatsapp").update(enabled=True)
    Rule.objects.filter(template_key="cod_confirmation").update(enabled=True)
    settings_stamp.bump()  # a bulk update sends no signal (rules are kept under the stamp)


@pytest.fixture
def app_secret(settings):
    settings.HAAT_WHATSAPP_APP_SECRET = wa.APP_SECRET
    settings.HAAT_WHATSAPP_VERIFY_TOKEN = wa.VERIFY_TOKEN
    settings.HAAT_WHATSAPP_PHONE_NUMBER_ID = wa.PHONE_NUMBER_ID


@pytest.fixture
def server(settings, app_secret):
    fake = wa.WhatsAppServer().start()
    settings.HAAT_WHATSAPP_API_URL = fake.base_url
    settings.HAAT_WHATSAPP_ACCESS_TOKEN = wa.TOKEN
    yield fake
    fake.stop()


def _placed(payment_type: str = "prepaid", **kwargs):
    status = "confirmed" if payment_type == "cod" else "pending_payment"
    variant = make_variant(price="1299.00", stock=10)
    order = make_order(variant, payment_type=payment_type, status=status, **kwargs)
    dispatch_pending()
    return order, variant


def _whatsapp(order: Order, key: str = "order_placed") -> Message:
    return Message.objects.get(order_number=order.number, channel="whatsapp", template_key=key)


def _post(client, body: bytes, signature: str | None = None):
    headers = {} if signature is None else {"HTTP_X_HUB_SIGNATURE_256": signature}
    return client.post("/webhooks/whatsapp", data=body, content_type="application/json", **headers)


# --- sending ----------------------------------------------------------------------------------
def test_an_order_goes_out_as_the_approved_template_with_its_parameters(
    warehouse, whatsapp_rules, server
):
    order, _ = _placed()
    message = _whatsapp(order)
    assert message.recipient == "+919845012345" and message.status == "queued"
    assert "thank you for your order" in message.body_text  # the log shows readable words
    send_all()
    [sent] = server.sent
    assert sent["to"] == "919845012345" and sent["recipient_type"] == "individual"
    assert sent["template"]["name"] == "order_placed"
    assert sent["template"]["language"] == {"code": "en"}
    [body] = sent["template"]["components"]
    assert [p["text"] for p in body["parameters"]][:3] == ["Asha", order.number, "₹1,000.00"]
    assert sent["biz_opaque_callback_data"] == message.key
    message.refresh_from_db()
    assert message.status == "sent" and message.provider == "whatsapp"
    assert message.provider_id == sent["_wamid"]


def test_without_whatsapp_set_up_the_message_is_recorded_as_failed(warehouse, whatsapp_rules):
    order, _ = _placed()
    message = _whatsapp(order)
    assert message.status == "failed" and "WhatsApp is not set up" in message.error
    assert message.provider_payload["name"] == "order_placed"  # a resend later has it all
    assert Message.objects.filter(order_number=order.number, channel="email").exists()


def test_an_invalid_phone_fails_with_a_sentence_and_nothing_is_sent(
    warehouse, whatsapp_rules, server
):
    variant = make_variant(price="1299.00", stock=10)
    order = make_order(variant)
    Order.objects.filter(pk=order.pk).update(phone="12345")  # bad data from an old import
    dispatch_pending()
    message = _whatsapp(order)
    assert message.status == "failed" and "not a valid phone number" in message.error
    send_all()
    assert server.sent == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9845012345", "+919845012345"),
        ("+91 98450 12345", "+919845012345"),
        ("+14155552671", "+14155552671"),
    ],
)
def test_phones_become_e164(raw, expected):
    assert phones.e164(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "abc", "+91 12345", "+999 1234567"])
def test_invalid_phones_are_refused(raw):
    with pytest.raises(phones.InvalidPhone):
        phones.e164(raw)


def test_a_template_unknown_at_meta_fails_for_good_with_metas_words(
    warehouse, whatsapp_rules, server
):
    server.known_templates.clear()
    order, _ = _placed()
    send_all()
    message = _whatsapp(order)
    assert message.status == "failed" and message.attempts == 1
    assert "Template name does not exist" in message.error


def test_template_mappings_are_validated():
    allowed = {"customer_name", "order_number", "confirm_reply"}
    good = {"name": "order_placed", "language": "en_US", "body": ["customer_name"]}
    assert whatsapp_channel.check_mapping(good, allowed=allowed) == []
    problems = whatsapp_channel.check_mapping(
        {
            "name": "Order Placed!",
            "language": "english",
            "body": ["customer_nam"],
            "buttons": ["confirm_reply"] * 4,
            "colour": "red",
        },
        allowed=allowed,
    )
    assert len(problems) == 5
    assert "unknown variable 'customer_nam'" in " ".join(problems)
    assert whatsapp_channel.check_mapping("x", allowed=allowed)


# --- webhook ----------------------------------------------------------------------------------
def test_the_verification_handshake(client, app_secret):
    query = {"hub.mode": "subscribe", "hub.verify_token": wa.VERIFY_TOKEN, "hub.challenge": "42"}
    answer = client.get("/webhooks/whatsapp", query)
    assert answer.status_code == 200 and answer.content == b"42"
    assert client.get("/webhooks/whatsapp", {**query, "hub.verify_token": "x"}).status_code == 403
    assert client.get("/webhooks/whatsapp", {**query, "hub.mode": "unsub"}).status_code == 403


def test_unsigned_and_forged_callbacks_are_refused_and_nothing_is_stored(
    client, warehouse, whatsapp_rules, server
):
    order, _ = _placed()
    send_all()
    message = _whatsapp(order)
    body = wa.callback(statuses=[wa.status(message.provider_id, "read", 1760000100)])
    assert _post(client, body).status_code == 401
    forged = _post(client, body, wa.sign(body, "not-the-secret"))
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "whatsapp_signature_invalid"
    tampered = _post(client, body.replace(b"read", b"sent"), wa.sign(body))
    assert tampered.status_code == 401
    assert WhatsAppCallback.objects.count() == 0
    message.refresh_from_db()
    assert message.status == "sent"


def test_statuses_only_move_forward_and_replays_change_nothing(
    client, warehouse, whatsapp_rules, server
):
    order, _ = _placed()
    send_all()
    message = _whatsapp(order)
    wamid = message.provider_id
    read = wa.callback(statuses=[wa.status(wamid, "read", 1760000300)])
    answer = _post(client, read, wa.sign(read))
    assert answer.status_code == 200 and answer.json()["status"] == "processed"
    late = wa.callback(
        statuses=[
            wa.status(wamid, "delivered", 1760000200),
            wa.status(wamid, "failed", 1760000250, errors=[{"code": 131047, "title": "x"}]),
        ]
    )
    assert _post(client, late, wa.sign(late)).status_code == 200
    message.refresh_from_db()
    assert message.status == "read" and message.read_at and message.delivered_at
    assert _post(client, read, wa.sign(read)).json()["status"] == "duplicate"
    assert WhatsAppCallback.objects.count() == 2


def test_a_failed_status_records_metas_reason(client, warehouse, whatsapp_rules, server):
    order, _ = _placed()
    send_all()
    message = _whatsapp(order)
    failed = wa.callback(
        statuses=[
            wa.status(
                message.provider_id,
                "failed",
                1760000100,
                errors=[{"code": 131026, "title": "Message undeliverable"}],
            )
        ]
    )
    _post(client, failed, wa.sign(failed))
    message.refresh_from_db()
    assert message.status == "failed" and "Message undeliverable (131026)" in message.error


def test_callbacks_for_unknown_or_foreign_messages_change_nothing(
    client, warehouse, whatsapp_rules, server
):
    order, _ = _placed()
    send_all()
    message = _whatsapp(order)
    unknown = wa.callback(statuses=[wa.status("wamid.nobody", "read", 1760000100)])
    answer = _post(client, unknown, wa.sign(unknown))
    assert answer.status_code == 200 and "did not send" in answer.json()["outcome"][0]
    foreign = wa.callback(statuses=[wa.status(message.provider_id, "read", 1760000100)])
    foreign = foreign.replace(wa.PHONE_NUMBER_ID.encode(), b"999999")
    answer = _post(client, foreign, wa.sign(foreign))
    assert "another phone number" in answer.json()["outcome"][0]
    message.refresh_from_db()
    assert message.status == "sent"
    junk = b"not json"
    assert _post(client, junk, wa.sign(junk)).status_code == 400


# --- consent ----------------------------------------------------------------------------------
def test_stop_withdraws_whatsapp_consent_and_start_restores_order_updates(
    client, warehouse, whatsapp_rules, server
):
    stop = wa.callback(messages=[wa.text(" stop ")])
    assert _post(client, stop, wa.sign(stop)).status_code == 200
    rows = {(c.purpose, c.granted, c.source) for c in Consent.objects.all()}
    assert rows == {
        ("marketing", False, "whatsapp_stop"),
        ("transactional", False, "whatsapp_stop"),
    }
    assert ConsentChange.objects.filter(address="+919845012345").count() == 2
    order, _ = _placed()
    message = _whatsapp(order)
    assert message.status == "failed" and "opted out of WhatsApp" in message.error
    assert Message.objects.get(order_number=order.number, channel="email").status == "queued"
    send_all()
    assert server.sent == []
    start = wa.callback(messages=[wa.text("START")])
    _post(client, start, wa.sign(start))
    order, _ = _placed()
    assert _whatsapp(order).status == "queued"
    assert ConsentChange.objects.count() == 3


# --- COD confirmation -------------------------------------------------------------------------
def _buttons(server, order) -> list[str]:
    [sent] = [
        s
        for s in server.sent
        if s["template"]["name"] == "cod_confirmation"
        and order.number in json.dumps(s["template"]["components"])
    ]
    return [c["parameters"][0]["payload"] for c in sent["template"]["components"][1:]]


def test_cod_confirm_by_button_reply(client, warehouse, whatsapp_rules, server):
    order, _ = _placed("cod")
    send_all()
    confirm, cancel = _buttons(server, order)
    assert cod.parse(confirm) == (order.number, "confirm")
    # only WhatsApp asks: the e-mail fallback is not sent as well
    assert not Message.objects.filter(
        order_number=order.number, channel="email", template_key="cod_confirmation"
    ).exists()
    row = CodConfirmation.objects.get(order_number=order.number)
    assert row.status == "waiting"
    reply = wa.callback(messages=[wa.button_reply(confirm)])
    answer = _post(client, reply, wa.sign(reply))
    assert answer.json()["outcome"] == [f"The customer confirmed order {order.number}."]
    row.refresh_from_db()
    assert row.status == "confirmed" and row.source == "whatsapp_button"
    # a later Cancel tap does not undo it
    late = wa.callback(messages=[wa.button_reply(cancel)])
    _post(client, late, wa.sign(late))
    row.refresh_from_db()
    order.refresh_from_db()
    assert row.status == "confirmed" and order.status == "confirmed"


def test_cod_cancel_by_button_reply_cancels_the_order_and_returns_the_stock(
    client, warehouse, whatsapp_rules, server
):
    order, variant = _placed("cod")
    assert available_units([variant.pk])[variant.pk] == 9
    send_all()
    _, cancel = _buttons(server, order)
    reply = wa.callback(messages=[wa.button_reply(cancel)])
    _post(client, reply, wa.sign(reply))
    order.refresh_from_db()
    assert order.status == "cancelled" and "cancelled it" in order.cancel_reason
    assert available_units([variant.pk])[variant.pk] == 10
    assert CodConfirmation.objects.get(order_number=order.number).status == "cancelled"


def test_forged_or_foreign_button_replies_change_nothing(client, warehouse, whatsapp_rules, server):
    order, _ = _placed("cod")
    send_all()
    _, cancel = _buttons(server, order)
    forged = cancel.rsplit(":", 1)[0] + ":forgedsignature"
    bodies = [
        wa.callback(messages=[wa.button_reply(forged)]),
        wa.callback(messages=[wa.button_reply(f"{order.number}:cancel")]),
        wa.callback(messages=[wa.button_reply(cancel, sender="919999999999")]),
    ]
    outcomes = [_post(client, b, wa.sign(b)).json()["outcome"][0] for b in bodies]
    assert "forged" in outcomes[0] and "forged" in outcomes[1]
    assert "another phone number" in outcomes[2]
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert CodConfirmation.objects.get(order_number=order.number).status == "waiting"


def test_no_answer_puts_the_order_in_the_call_queue(
    staff_client, warehouse, whatsapp_rules, server
):
    order, _ = _placed("cod")
    row = CodConfirmation.objects.get(order_number=order.number)
    CodConfirmation.objects.filter(pk=row.pk).update(answer_by=row.created_at)
    assert cod.expire() == 1
    client = staff_client()
    page = client.get("/dashboard/messages/cod/").content.decode()
    assert order.number in page and "No answer: call the customer" in page
    assert "₹1,000.00" in page and "1 to call" in page
    assert client.post(f"/dashboard/messages/cod/{row.pk}/called/").status_code == 302
    row.refresh_from_db()
    assert row.status == "called"
    assert "Nobody to call" in client.get("/dashboard/messages/cod/").content.decode()


def test_without_whatsapp_the_cod_confirmation_goes_by_email_link(
    client, warehouse, whatsapp_rules
):
    order, variant = _placed("cod")
    mail = Message.objects.get(
        order_number=order.number, channel="email", template_key="cod_confirmation"
    )
    assert mail.status == "queued"
    url = mail.body_text.split("/cod/", 1)[1].split()[0]
    page = client.get(f"/cod/{url}")
    assert page.status_code == 200 and "Confirm my order" in page.content.decode()
    assert client.get(f"/cod/{order.number}:page:forged").status_code == 404
    done = client.post(f"/cod/{url}", {"action": "cancel"})
    assert "cancelled order" in done.content.decode()
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert available_units([variant.pk])[variant.pk] == 10


# --- editing the mapping ----------------------------------------------------------------------
def test_the_whatsapp_mapping_is_edited_and_validated_on_save(staff_client, admin_api, defaults):
    template = Template.objects.get(key="cod_confirmation", channel="whatsapp", language="en")
    client = staff_client()
    url = f"/dashboard/messages/templates/{template.pk}/"
    assert 'data-testid="whatsapp-map"' in client.get(url).content.decode()
    form = {
        "subject": "",
        "body": template.body,
        "wa_name": "cod_confirm_v2",
        "wa_language": "en_US",
        "wa_body": "customer_name, order_number",
        "wa_buttons": "confirm_reply, cancel_reply",
    }
    assert client.post(url, form).status_code == 302
    template.refresh_from_db()
    # Same words, so the same version (like an SMS template's DLT ids); the change is audited.
    assert template.version == 1 and template.provider_template["name"] == "cod_confirm_v2"
    assert AuditLogEntry.objects.filter(action="notifications.provider_template_saved").exists()
    assert template.provider_template["body"] == ["customer_name", "order_number"]
    bad = client.post(url, {**form, "wa_body": "customer_nam", "wa_name": "Bad Name"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "unknown variable &#x27;customer_nam&#x27;" in html and "lower-case letters" in html
    template.refresh_from_db()
    assert template.version == 1 and template.provider_template["name"] == "cod_confirm_v2"
    email = Template.objects.get(key="order_placed", channel="email", language="en")
    api = admin_api()
    wa_url = f"/api/v1/admin/message-templates/{template.pk}"
    shown = api.get(wa_url).json()
    assert shown["whatsapp"]["buttons"] == ["confirm_reply", "cancel_reply"]
    assert shown["provider_template"] == {}  # the SMS ids' field; WhatsApp's is `whatsapp`
    refused = api.put(
        wa_url,
        {
            "subject": "",
            "body": template.body,
            "whatsapp": {"name": "ok_name", "language": "en", "body": ["nope"]},
        },
    )
    assert refused.status_code == 422
    assert "unknown variable 'nope'" in refused.json()["error"]["details"]["problems"][0]
    answer = api.put(
        f"/api/v1/admin/message-templates/{email.pk}",
        {"subject": email.subject, "body": email.body, "whatsapp": {"name": "x", "language": "en"}},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "template_invalid"
