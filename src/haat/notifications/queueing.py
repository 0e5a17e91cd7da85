"""From an event to message rows: which rules fire, for whom, in which words.

`plan()` decides without writing; `write()` inserts the rows in one statement with
`ON CONFLICT DO NOTHING` on the unique message key, so the consumer can run twice (a crash
before its delivery row committed) and still leave one message per (event, channel,
recipient). Runs inside the outbox consumer's transaction: the rows and the consumer's
"done" mark commit together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jinja2 import TemplateError

from haat.accounts.models import User
from haat.core.currencies import default_currency
from haat.core.events import Delivery, Event
from haat.notifications import (
    cod,
    consent,
    email_channel,
    phones,
    rendering,
    sms_channel,
    whatsapp_channel,
)
from haat.notifications.models import (
    Audience,
    Channel,
    Message,
    Purpose,
    Rule,
    Suppression,
    Template,
)
from haat.notifications.sources import Facts, source
from haat.notifications.tasks import schedule_send

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    audience: str


def message_key(event_id: int, channel: str, address: str) -> str:
    return f"{event_id}:{channel}:{address.strip().lower()}"


def default_language() -> str:
    return getattr(settings, "HAAT_MESSAGE_LANGUAGE", "en") or "en"


def matches(rule: Rule, facts: Facts, currency: str) -> bool:
    """The rule's conditions, an empty one meaning "any". The minimum order value is in the
    store's default `currency`: an order in another currency does not meet it."""
    if rule.payment_types and facts.payment_type not in rule.payment_types:
        return False
    minimum = rule.min_total_amount
    return minimum is None or (
        facts.total_amount is not None
        and facts.currency == currency
        and facts.total_amount >= minimum
    )


def recipients(rule: Rule, facts: Facts) -> list[Recipient]:
    if rule.audience == Audience.STAFF:
        staff = User.objects.filter(is_active=True, role=rule.staff_role).exclude(email="")
        return [Recipient(u.email, u.full_name, Audience.STAFF) for u in staff.order_by("id")]
    if rule.channel == Channel.EMAIL and facts.email:
        return [Recipient(facts.email, facts.name, Audience.CUSTOMER)]
    if rule.channel in (Channel.SMS, Channel.WHATSAPP) and facts.phone:
        # E.164 as the address, so every message to one phone shares its consent and reports
        return [Recipient(phones.e164_or_raw(facts.phone), facts.name, Audience.CUSTOMER)]
    return []


def plan(event: Event, delivery: Delivery) -> list[Message]:
    """The messages `event` calls for (unsaved). Failed ones (a template that no longer
    renders, a suppressed address) are planned too, so staff see them."""
    found = source(event.event_type)
    if found is None:
        return []
    rules = list(Rule.objects.filter(event_type=event.event_type, enabled=True))
    if not rules:
        return []
    facts = found.build(event)
    templates = {
        (t.key, t.channel, t.language): t
        for t in Template.objects.filter(key__in={r.template_key for r in rules})
    }
    currency = default_currency().code if any(r.min_total_amount is not None for r in rules) else ""
    wanted = [
        (rule, r)
        for rule in rules
        if matches(rule, facts, currency)
        for r in recipients(rule, facts)
    ]
    opted_out = consent.refused(
        channel=Channel.WHATSAPP,
        addresses={r.address for rule, r in wanted if rule.channel == Channel.WHATSAPP},
    )
    suppressed = set(
        Suppression.objects.filter(address__in={r.address.lower() for _, r in wanted}).values_list(
            "channel", "address"
        )
    )
    planned: dict[str, Message] = {}
    now = timezone.now()
    for rule, recipient in wanted:
        key = message_key(delivery.event_id, rule.channel, recipient.address)
        if (
            rule.template_key == cod.TEMPLATE_KEY
            or consent.purpose_of(rule.template_key) == Purpose.MARKETING
        ):
            # A question (COD confirmation) or an offer goes besides the event's notice to
            # the same address, not instead of it.
            key += f":{rule.template_key}"
        if key in planned:
            continue  # two rules, one message per (event, channel, recipient)
        language = rule.language or default_language()
        template = templates.get((rule.template_key, rule.channel, language)) or templates.get(
            (rule.template_key, rule.channel, "en")
        )
        if template is None:
            logger.warning(
                "No %s template %r for rule %s", rule.channel, rule.template_key, rule.pk
            )
            continue
        message = Message(
            key=key,
            event_id=delivery.event_id,
            event_type=event.event_type,
            rule=rule,
            channel=rule.channel,
            audience=recipient.audience,
            recipient=recipient.address,
            recipient_name=recipient.name[:200],
            order_number=facts.order_number,
            language=template.language,
            template=template,
            template_key=template.key,
            template_version=template.version,
        )
        try:
            rendered = rendering.render(
                subject=template.subject, body=template.body, variables=facts.variables
            )
        except (TemplateError, TypeError, ValueError) as exc:
            _fail(message, now, f"The template could not be filled in: {exc}.")
        else:
            message.subject = rendered.subject[:300]
            message.body_text = rendered.body
            if rule.channel == Channel.EMAIL:
                message.body_html = email_channel.html_body(
                    subject=message.subject, text=rendered.body
                )
            elif rule.channel == Channel.SMS:
                _sms(message, template, facts, now)
        if (rule.channel, recipient.address.lower()) in suppressed:
            _fail(message, now, "Not sent: this address bounced or complained earlier.")
        if rule.channel == Channel.WHATSAPP:
            _whatsapp(message, template, facts, opted_out, now)
        elif recipient.audience == Audience.CUSTOMER:
            _email_consent(message, template, now)
        planned[key] = message
    return _cod_fallback(list(planned.values()))


def _whatsapp(
    message: Message, template: Template, facts: Facts, opted_out: dict, now: object
) -> None:
    """A WhatsApp message: a valid E.164 number, the customer's consent, the approved
    template's parameters fixed now, and WhatsApp set up; otherwise recorded failed with
    the reason (staff see it; a resend after fixing the cause sends the same words)."""
    if message.status == Message.Status.FAILED:
        return
    try:
        phones.e164(message.recipient)
    except phones.InvalidPhone as exc:
        _fail(message, now, f"Not sent: {exc}")
        return
    purpose = consent.purpose_of(template.key)
    refusal = opted_out.get((message.recipient.lower(), purpose))
    if refusal is not None or (
        purpose == Purpose.MARKETING
        and not consent.allowed(
            channel=Channel.WHATSAPP, address=message.recipient, purpose=purpose
        )
    ):
        when = f" on {refusal.changed_at:%d %b %Y}" if refusal is not None else ""
        _fail(message, now, f"Not sent: the customer opted out of WhatsApp messages{when}.")
        return
    if template.provider_template:
        message.provider_payload = whatsapp_channel.payload(
            template.provider_template, facts.variables
        )
    if not whatsapp_channel.configured():
        _fail(message, now, whatsapp_channel.NOT_SET_UP)


def _email_consent(message: Message, template: Template, now: object) -> None:
    """E-mail: marketing needs an opt-in and carries a one-click unsubscribe (RFC 8058);
    an unsubscribed address gets no more marketing. Order updates always go."""
    if message.status == Message.Status.FAILED:
        return
    if consent.purpose_of(template.key) != Purpose.MARKETING:
        return
    if not consent.allowed(
        channel=Channel.EMAIL, address=message.recipient, purpose=Purpose.MARKETING
    ):
        _fail(message, now, "Not sent: the customer has not agreed to offers by e-mail.")
        return
    url = consent.unsubscribe_url(message.recipient)
    message.provider_payload = {"headers": consent.unsubscribe_headers(message.recipient)}
    message.body_text += f"\n\nUnsubscribe from offers: {url}"
    message.body_html = email_channel.html_body(subject=message.subject, text=message.body_text)


def _cod_fallback(messages: list[Message]) -> list[Message]:
    """The COD confirmation goes by e-mail only when no WhatsApp one is on its way."""
    by_whatsapp = any(
        m.template_key == cod.TEMPLATE_KEY
        and m.channel == Channel.WHATSAPP
        and m.status == Message.Status.QUEUED
        for m in messages
    )
    if not by_whatsapp:
        return messages
    return [
        m
        for m in messages
        if not (m.template_key == cod.TEMPLATE_KEY and m.channel == Channel.EMAIL)
    ]


def _sms(message: Message, template: Template, facts: Facts, now: object) -> None:
    """Fix the SMS's slot values and ids; a bad number or a template DLT would block fails
    the message here, visibly, instead of at the provider."""
    message.subject = ""
    try:
        phones.e164(message.recipient)
    except phones.InvalidPhone as exc:
        _fail(message, now, f"Not sent: {exc}")
        return
    problem = sms_channel.not_ready(template.provider_template)
    if problem:
        _fail(message, now, f"Not sent: the SMS template {problem}.")
        return
    message.provider_payload = sms_channel.payload(
        mapping=template.provider_template, body=template.body, variables=facts.variables
    )


def _fail(message: Message, now: object, error: str) -> None:
    message.status = Message.Status.FAILED
    message.error = error
    message.failed_at = now


def write(messages: list[Message]) -> None:
    """Insert in one statement; an existing key is left alone. Wakes the sender on commit."""
    if not messages:
        return
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    if any(m.status == Message.Status.QUEUED for m in messages):
        transaction.on_commit(schedule_send)
