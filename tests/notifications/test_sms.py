"""SMS through MSG91 and Twilio against local servers speaking their shapes: DLT ids per
template, E.164 recipients, provider ids, retries through the real sender (no blind resend
after a lost answer: neither API takes an idempotency key), signed delivery reports."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from haat.core import settings_stamp
from haat.core.dispatch import dispatch_pending
from haat.core.errors import ValidationError
from haat.notifications import phones, sending, services, sms_callbacks
from haat.notifications.models import Message, Rule, SmsStatusReport, Template
from haat.orders.models import Order
from tests.accounts.smtp import free_port
from tests.checkout.helpers import make_variant
from tests.notifications.helpers import order_with_messages
from tests.notifications.sms_servers import Msg91Server, TwilioServer, header
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
DLT_ID = "1107161234567890123"
AUTHKEY = "msg91-test-authkey"
SID, TOKEN = "AC" + "0" * 32, "twilio-test-token"


@pytest.fixture
def msg91(settings):
    server = Msg91Server(AUTHKEY, {"65f0msg91order"}).start()
    settings.HAAT_SMS_PROVIDER = "msg91"
    settings.HAAT_MSG91_AUTHKEY = AUTHKEY
    settings.HAAT_MSG91_API_URL = server.base_url
    settings.HAAT_MSG91_WEBHOOK_TOKEN = "dlr-token"
    settings.HAAT_GATEWAY_TIMEOUT_SECONDS = 0.4
    yield server
    server.stop()


@pytest.fixture
def twilio(settings):
    server = TwilioServer(SID, TOKEN).start()
    settings.HAAT_SMS_PROVIDER = "twilio"
    settings.HAAT_TWILIO_ACCOUNT_SID = SID
    settings.HAAT_TWILIO_AUTH_TOKEN = TOKEN
    settings.HAAT_TWILIO_FROM = "KESARI"
    settings.HAAT_TWILIO_API_URL = server.base_url
    settings.HAAT_BASE_URL = "https://shop.example.in"
    settings.HAAT_GATEWAY_TIMEOUT_SECONDS = 0.4
    yield server
    server.stop()


def _sms_on(key: str = "order_placed", **ids: str) -> Rule:
    """Give the template its ids and switch its SMS rule on, through the services."""
    for template in Template.objects.filter(key=key, channel="sms"):
        services.save_template(
            template_id=template.pk,
            subject="",
            body=template.body,
            provider_template={"dlt_template_id": DLT_ID, "sender_id": "KESARI", **ids},
        )
    rule = Rule.objects.get(template_key=key, channel="sms")
    return services.update_rule(rule_id=rule.pk, change=services.RuleChange(enabled=True))


def _sms_of(order) -> Message:
    return Message.objects.get(order_number=order.number, channel="sms")


def test_e164():
    assert phones.e164("98450 12345") == "+919845012345"
    assert phones.e164("+1 415 555 2671") == "+14155552671"
    for bad in ("", "12345", "not a phone", "+91 02345 67890"):
        with pytest.raises(phones.InvalidPhone):
            phones.e164(bad)


def test_sms_rules_ship_off_and_cannot_go_on_until_set_up(defaults, settings):
    rules = Rule.objects.filter(channel="sms")
    assert rules.count() == 3 and not rules.filter(enabled=True).exists()
    assert Template.objects.filter(channel="sms", language="hi").count() == 3
    rule = rules.get(template_key="order_placed")
    with pytest.raises(ValidationError) as not_set_up:
        services.update_rule(rule_id=rule.pk, change=services.RuleChange(enabled=True))
    assert not_set_up.value.code == "sms_not_ready"
    assert "HAAT_SMS_PROVIDER" in not_set_up.value.message
    settings.HAAT_SMS_PROVIDER, settings.HAAT_MSG91_AUTHKEY = "msg91", "k"
    with pytest.raises(ValidationError) as no_dlt:
        services.update_rule(rule_id=rule.pk, change=services.RuleChange(enabled=True))
    assert "no DLT template id" in no_dlt.value.message
    rule.refresh_from_db()
    assert not rule.enabled


def test_template_ids_are_validated_on_save(defaults, settings):
    template = Template.objects.get(key="order_placed", channel="sms", language="en")

    def save(body: str = template.body, **ids: str) -> Template:
        return services.save_template(
            template_id=template.pk, subject="", body=body, provider_template=ids
        )

    for bad, words in (
        ({"dlt_template_id": "12345"}, "19-digit"),
        ({"sender_id": "kesari1"}, "6-letter"),
        ({"msg91_template_id": "a b"}, "MSG91"),
        ({"entity": "x"}, "may hold only"),
    ):
        with pytest.raises(ValidationError) as refused:
            save(**bad)
        assert words in refused.value.message
    with pytest.raises(ValidationError) as branching:
        save(body="{% if order_url %}{{ order_url }}{% endif %}")
    assert "fixed text" in branching.value.message
    saved = save(dlt_template_id=DLT_ID, sender_id="KESARI")
    assert saved.provider_template == {"dlt_template_id": DLT_ID, "sender_id": "KESARI"}
    assert saved.version == 1  # the words did not change
    settings.HAAT_SMS_PROVIDER, settings.HAAT_MSG91_AUTHKEY = "msg91", "k"
    with pytest.raises(ValidationError):  # an MSG91 rule needs the MSG91 id too
        _sms_on()
    _sms_on(msg91_template_id="65f0msg91order")
    with pytest.raises(ValidationError) as in_use:  # a rule that is on keeps its ids
        save(sender_id="KESARI")
    assert "rule that is on" in in_use.value.message


def test_msg91_sends_the_flow_with_variables_and_reports_come_back(
    defaults, warehouse, msg91, client, staff_client
):
    _sms_on(msg91_template_id="65f0msg91order")
    order, _ = order_with_messages()
    message = _sms_of(order)
    assert message.recipient == "+919845012345" and message.status == "queued"
    assert message.provider_payload["vars"][0] == order.number
    sending.send_due()
    [call] = msg91.calls("POST", "/api/v5/flow")
    assert header(call, "authkey") == AUTHKEY
    assert call.body["template_id"] == "65f0msg91order" and call.body["sender"] == "KESARI"
    [recipient] = call.body["recipients"]
    assert recipient["mobiles"] == "919845012345" and recipient["VAR1"] == order.number
    message.refresh_from_db()
    assert (message.status, message.provider) == ("sent", "msg91")
    assert message.provider_id == msg91.sent[0]["request_id"]
    assert order.number in message.body_text  # the log shows the words
    staff = staff_client()
    assert "SMS · Order placed" in staff.get("/dashboard/messages/").content.decode()
    detail = staff.get(f"/dashboard/messages/{message.pk}/").content.decode()
    assert message.provider_id in detail and "+919845012345" in detail

    report = [
        {
            "requestId": message.provider_id,
            "report": [{"number": "919845012345", "status": "1", "desc": "DELIVERED"}],
        }
    ]
    url = "/webhooks/sms/msg91/?token=dlr-token"
    forged = client.post(
        "/webhooks/sms/msg91/?token=guess", report, content_type="application/json"
    )
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "sms_callback_unauthorized"
    assert not SmsStatusReport.objects.exists()
    r = client.post(url, report, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "stored"
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at
    again = client.post(url, report, content_type="application/json")
    assert again.json()["status"] == "duplicate"
    failed_late = [{**report[0], "report": [{"status": "2", "desc": "FAILED"}]}]
    r = client.post(url, urlencode({"data": json.dumps(failed_late)}), FORM)  # the form shape
    assert r.status_code == 200 and "ignored" in r.json()["outcome"]
    message.refresh_from_db()
    assert message.status == "delivered"  # never back
    unknown = [{"requestId": "nope", "report": [{"status": "1"}]}]
    assert (
        "No message" in client.post(url, unknown, content_type="application/json").json()["outcome"]
    )
    assert SmsStatusReport.objects.count() == 3


def test_twilio_sends_form_with_basic_auth_and_signed_callbacks(
    defaults, warehouse, twilio, client
):
    _sms_on()
    order, _ = order_with_messages()
    sending.send_due()
    [call] = twilio.calls("POST", f"/2010-04-01/Accounts/{SID}/Messages.json")
    message = _sms_of(order)
    assert call.body["To"] == "+919845012345" and call.body["From"] == "KESARI"
    assert call.body["Body"] == message.body_text and order.number in call.body["Body"]
    assert call.body["StatusCallback"] == "https://shop.example.in/webhooks/sms/twilio/"
    assert message.status == "sent" and message.provider_id == twilio.sent[0]["sid"]

    url = "/webhooks/sms/twilio/"

    def callback(status: str, token: str = TOKEN, **extra: str):
        params = {"MessageSid": message.provider_id, "MessageStatus": status, **extra}
        signature = sms_callbacks.twilio_signature("https://shop.example.in" + url, params, token)
        return client.post(url, urlencode(params), FORM, HTTP_X_TWILIO_SIGNATURE=signature)

    forged = callback("delivered", token="not-the-token")
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "sms_signature_invalid"
    unsigned = client.post(
        url, urlencode({"MessageSid": message.provider_id, "MessageStatus": "failed"}), FORM
    )
    assert unsigned.status_code == 403
    message.refresh_from_db()
    assert message.status == "sent" and not SmsStatusReport.objects.exists()
    assert callback("delivered").json()["status"] == "stored"
    assert callback("delivered").json()["status"] == "duplicate"
    assert "ignored" in callback("sent").json()["outcome"]  # out of order: stays delivered
    assert "ignored" in callback("undelivered", ErrorCode="30005").json()["outcome"]
    message.refresh_from_db()
    assert message.status == "delivered"


def test_twilio_failure_report_fails_the_message_with_its_code(defaults, warehouse, twilio):
    _sms_on()
    order, _ = order_with_messages()
    sending.send_due()
    message = _sms_of(order)
    report = sms_callbacks.parse_twilio(
        {"MessageSid": message.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30005"}
    )
    sms_callbacks.receive(provider="twilio", raw=b"x", reports=report)
    message.refresh_from_db()
    assert message.status == "failed" and "30005" in message.error


def test_refusals_retry_only_when_nothing_was_sent(defaults, warehouse, twilio, settings):
    _sms_on()
    order, _ = order_with_messages()
    message = _sms_of(order)
    route = f"POST /2010-04-01/Accounts/{SID}/Messages.json"
    twilio.script(route, "500")
    sending.send_due()
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1 and "HTTP 500" in message.error
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    sending.send_due()
    message.refresh_from_db()
    assert message.status == "sent" and len(twilio.sent) == 1

    # The answer is lost after Twilio took the message: not retried blindly.
    order, _ = order_with_messages()
    lost = _sms_of(order)
    twilio.script(route, "lost")
    sending.send_due()
    lost.refresh_from_db()
    assert lost.status == "failed" and "may or may not" in lost.error
    assert len(twilio.sent) == 2  # Twilio did send it once...
    sending.send_due()
    assert len(twilio.sent) == 2  # ...and it is not sent again

    # Nothing listening: nothing was sent, so it waits for a retry.
    settings.HAAT_TWILIO_API_URL = f"http://127.0.0.1:{free_port()}"
    order, _ = order_with_messages()
    refused = _sms_of(order)
    sending.send_due()
    refused.refresh_from_db()
    assert refused.status == "queued" and "could not be reached" in refused.error


def test_a_sender_that_died_mid_call_leaves_a_failed_message(defaults, warehouse, twilio):
    _sms_on()
    order, _ = order_with_messages()
    claimed = [m for m in sending.claim() if m.channel == "sms"]
    assert len(claimed) == 1
    later = timezone.now() + sending.LEASE + timedelta(seconds=1)
    sending.recover_stale(now=later)
    message = _sms_of(order)
    assert message.status == "failed" and message.error == sending.UNKNOWN_OUTCOME
    sending.send_due()
    assert twilio.sent == []


def test_bad_number_and_missing_dlt_fail_visibly_without_a_call(
    defaults, warehouse, twilio, settings
):
    rule = _sms_on()
    Template.objects.filter(key="order_placed", channel="sms").update(provider_template={})
    settings_stamp.bump()  # a bulk update sends no signal (templates are kept under the stamp)
    order, _ = order_with_messages()
    message = _sms_of(order)
    assert message.status == "failed" and "DLT" in message.error
    settings.HAAT_SMS_PROVIDER = ""  # switched off after the rule went on
    Template.objects.filter(key="order_placed", channel="sms").update(
        provider_template={"dlt_template_id": DLT_ID}
    )
    settings_stamp.bump()
    order, _ = order_with_messages()
    sending.send_due()
    message = _sms_of(order)
    assert message.status == "failed" and "not set up" in message.error
    assert twilio.sent == [] and rule.enabled


def test_a_number_that_is_not_e164_is_recorded_failed(defaults, warehouse, twilio):
    _sms_on()
    order = make_order(make_variant(price="1299.00", stock=10))
    Order.objects.filter(pk=order.pk).update(phone="12345")  # as an old import left it
    dispatch_pending()
    message = _sms_of(order)
    assert message.status == "failed" and "not a valid phone number" in message.error
    sending.send_due()
    assert twilio.sent == []


def test_dashboard_shows_sms_setup_and_edits_dlt_ids(defaults, staff_client, settings):
    client = staff_client()
    assert "SMS is not set up" in client.get("/dashboard/messages/").content.decode()
    listing = client.get("/dashboard/messages/templates/").content.decode()
    assert "English SMS (no DLT id) · v1" in listing
    template = Template.objects.get(key="order_placed", channel="sms", language="en")
    url = f"/dashboard/messages/templates/{template.pk}/"
    page = client.get(url).content.decode()
    assert "DLT template id" in page and "{#var#}" in page
    bad = client.post(url, {"body": template.body, "dlt_template_id": "42"})
    assert bad.status_code == 422 and "19-digit" in bad.content.decode()
    r = client.post(url, {"body": template.body, "dlt_template_id": DLT_ID, "sender_id": "KESARI"})
    assert r.status_code == 302
    template.refresh_from_db()
    assert template.provider_template == {"dlt_template_id": DLT_ID, "sender_id": "KESARI"}
    preview = client.post(f"{url}preview/", {"body": template.body}).content.decode()
    assert "HT-10042" in preview and "characters" in preview
    settings.HAAT_SMS_PROVIDER, settings.HAAT_MSG91_AUTHKEY = "msg91", "k"
    assert "SMS goes out through MSG91" in client.get("/dashboard/messages/").content.decode()


def test_sms_template_api_takes_the_ids(admin_api, defaults):
    template = Template.objects.get(key="payment_link", channel="sms", language="hi")
    api = admin_api()
    url = f"/api/v1/admin/message-templates/{template.pk}"
    bad = api.put(
        url, {"subject": "", "body": template.body, "provider_template": {"dlt_template_id": "1"}}
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "template_invalid"
    ok = api.put(
        url,
        {"subject": "", "body": template.body, "provider_template": {"dlt_template_id": DLT_ID}},
    )
    assert ok.status_code == 200 and ok.json()["provider_template"] == {"dlt_template_id": DLT_ID}
    rule = Rule.objects.get(template_key="payment_link", channel="sms")
    refused = api.patch(f"/api/v1/admin/message-rules/{rule.pk}", {"enabled": True})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "sms_not_ready"


def test_provider_refusals_fail_at_once_with_the_providers_words(
    defaults, warehouse, msg91, settings
):
    _sms_on(msg91_template_id="not-registered-at-msg91")
    order, _ = order_with_messages()
    sending.send_due()
    message = _sms_of(order)
    # MSG91 answers 200 with "type": "error": refused, not retried.
    assert message.status == "failed" and "Template ID Missing or Invalid" in message.error
    assert msg91.sent == []
    settings.HAAT_MSG91_AUTHKEY = "wrong"
    Template.objects.filter(key="order_placed", channel="sms").update(
        provider_template={"dlt_template_id": DLT_ID, "msg91_template_id": "65f0msg91order"}
    )
    settings_stamp.bump()
    order, _ = order_with_messages()
    sending.send_due()
    message = _sms_of(order)
    assert message.status == "failed" and "Authentication failure (HTTP 401)" in message.error
    assert message.attempts == 1 and msg91.sent == []


def test_rules_page_says_why_an_sms_rule_stays_off(defaults, staff_client):
    client = staff_client()
    page = client.get("/dashboard/messages/rules/").content.decode()
    assert "Text the customer their order is placed" in page and "SMS to the customer" in page
    rule = Rule.objects.get(template_key="order_placed", channel="sms")
    r = client.post("/dashboard/messages/rules/", {"rule": rule.pk, "enabled": "on"}, follow=True)
    assert "SMS is not set up" in r.content.decode()
    rule.refresh_from_db()
    assert not rule.enabled
