"""The notifications admin API (validated against the OpenAPI document by the test client)
and the dashboard pages: message log with the failed list and resend, rules, templates."""

from __future__ import annotations

import pytest

from haat.core.models import AuditLogEntry
from haat.notifications import sending
from haat.notifications.models import Message, Rule, Template
from tests.accounts.smtp import free_port, smtp_settings
from tests.notifications.helpers import order_with_messages

pytestmark = pytest.mark.django_db


def _failed_message(settings) -> Message:
    _, [message] = order_with_messages()
    for key, value in smtp_settings(free_port()).items():
        setattr(settings, key, value)
    Message.objects.filter(pk=message.pk).update(attempts=sending.MAX_ATTEMPTS - 1)
    sending.send_due()
    message.refresh_from_db()
    assert message.status == "failed"
    return message


def test_messages_api_lists_filters_and_resends(admin_api, warehouse, defaults, settings):
    message = _failed_message(settings)
    api = admin_api()
    r = api.get("/api/v1/admin/messages", {"status": "failed"})
    assert r.status_code == 200, r.content
    [item] = r.json()["items"]
    assert (item["id"], item["status"], item["template"]) == (message.pk, "failed", "order_placed")
    assert "Nothing answered" in item["error"]
    assert api.get("/api/v1/admin/messages", {"status": "lost"}).status_code == 422
    detail = api.get(f"/api/v1/admin/messages/{message.pk}").json()
    assert "<html" in detail["body_html"]
    r = api.post(f"/api/v1/admin/messages/{message.pk}/resend")
    assert r.status_code == 200 and r.json()["status"] == "queued"
    again = api.post(f"/api/v1/admin/messages/{message.pk}/resend")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "message_not_resendable"
    assert api.post("/api/v1/admin/messages/999999/resend").status_code == 404
    assert (
        admin_api("support").post(f"/api/v1/admin/messages/{message.pk}/resend").status_code == 403
    )


def test_rules_api_changes_conditions(admin_api, defaults):
    api = admin_api()
    rules = api.get("/api/v1/admin/message-rules").json()
    rule = next(r for r in rules if r["template"] == "order_placed")
    assert rule["enabled"] and rule["event"] == "Order placed"
    r = api.patch(
        f"/api/v1/admin/message-rules/{rule['id']}",
        {"enabled": False, "payment_types": ["cod"], "min_total_amount": 99900, "language": "hi"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["enabled"], body["payment_types"], body["min_total_amount"], body["language"]) == (
        False,
        ["cod"],
        99900,
        "hi",
    )
    entry = AuditLogEntry.objects.get(action="notifications.rule_updated")
    assert entry.changes["min_order_value"] == ["", "₹999.00"]
    bad = api.patch(f"/api/v1/admin/message-rules/{rule['id']}", {"payment_types": ["barter"]})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "payment_types"
    assert (
        admin_api("support")
        .patch(f"/api/v1/admin/message-rules/{rule['id']}", {"enabled": True})
        .status_code
        == 403
    )


def test_templates_api_saves_validates_and_previews(admin_api, defaults):
    api = admin_api()
    template = Template.objects.get(key="payment_link", channel="email", language="en")
    listed = api.get("/api/v1/admin/message-templates", {"key": "payment_link"}).json()
    assert {t["language"] for t in listed} == {"en", "hi"}
    assert "link_url" in {v["name"] for v in listed[0]["variables"]}
    url = f"/api/v1/admin/message-templates/{template.pk}"
    bad = api.put(url, {"subject": "Pay", "body": "{{ link }} {{ ''.__class__ }}"})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "template_invalid"
    assert "unknown variable: link" in bad.json()["error"]["details"]["problems"][0]
    shown = api.post(f"{url}/preview", {"subject": "Pay {{ amount }}", "body": "{{ link_url }}"})
    assert shown.status_code == 200
    assert shown.json()["subject"] == "Pay ₹2,598.00"
    assert 'href="https://rzp.io/i/Xy12"' in shown.json()["body_html"]
    saved = api.put(url, {"subject": "Pay {{ amount }}", "body": "Pay here: {{ link_url }}"})
    assert saved.status_code == 200 and saved.json()["version"] == 2


def test_message_pages_in_words_with_resend(staff_client, warehouse, defaults, settings):
    message = _failed_message(settings)
    order_with_messages()  # one more, queued
    client = staff_client()
    page = client.get("/dashboard/messages/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Order placed" in html and "Waiting to be sent" in html and "Failed" in html
    assert "Send again" in html
    failed = client.get("/dashboard/messages/?status=failed").content.decode()
    assert failed.count('data-testid="message-row"') == 1
    detail = client.get(f"/dashboard/messages/{message.pk}/").content.decode()
    assert "Nothing answered at the mail server" in detail and "version 1" in detail
    r = client.post(f"/dashboard/messages/{message.pk}/resend/")
    assert r.status_code == 302
    message.refresh_from_db()
    assert message.status == "queued"
    assert client.get("/dashboard/messages/999999/").status_code == 404


def test_message_list_query_count_does_not_grow(
    staff_client, warehouse, defaults, django_assert_max_num_queries
):
    client = staff_client()
    order_with_messages()
    client.get("/dashboard/messages/")  # warm caches (badges, store)
    with django_assert_max_num_queries(14) as few:
        client.get("/dashboard/messages/")
    for _ in range(5):
        order_with_messages()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dashboard/messages/")


def test_rule_and_template_pages(staff_client, defaults):
    client = staff_client()
    assert (
        "Thank the customer for their order"
        in client.get("/dashboard/messages/rules/").content.decode()
    )
    rule = Rule.objects.get(template_key="order_placed", channel="email")
    r = client.post(
        "/dashboard/messages/rules/",
        {"rule": rule.pk, "payment_types": ["cod"], "minimum": "1,499.50", "language": "hi"},
    )
    assert r.status_code == 302
    rule.refresh_from_db()
    assert (rule.enabled, rule.payment_types, rule.min_total_amount, rule.language) == (
        False,
        ["cod"],
        149950,
        "hi",
    )
    listing = client.get("/dashboard/messages/templates/").content.decode()
    assert "Hindi e-mail · v1" in listing
    assert "e.g. “Your order HT-10042 at Haat Store”" in listing  # filled in, not {{ }}
    template = Template.objects.get(key="order_placed", channel="email", language="en")
    url = f"/dashboard/messages/templates/{template.pk}/"
    page = client.get(url).content.decode()
    assert "customer_name" in page and "Preview on a sample order" in page
    bad = client.post(url, {"subject": "Hi", "body": "{{ nope }}"})
    assert bad.status_code == 422 and "unknown variable: nope" in bad.content.decode()
    preview = client.post(f"{url}preview/", {"subject": "Hi {{ customer_name }}", "body": "x"})
    assert "Hi Asha Verma" in preview.content.decode()
    ok = client.post(
        url, {"subject": "Hi {{ customer_name }}", "body": "Thanks for {{ order_number }}"}
    )
    assert ok.status_code == 302
    template.refresh_from_db()
    assert template.version == 2
    readonly = staff_client("support").post(url, {"subject": "x", "body": "y"})
    assert readonly.status_code == 200  # shown, not saved
    template.refresh_from_db()
    assert template.version == 2
