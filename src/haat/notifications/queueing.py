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
from haat.notifications import email_channel, rendering, sms_channel
from haat.notifications.models import Audience, Channel, Message, Rule, Suppression, Template
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
    if rule.channel == Channel.SMS and facts.phone:
        return [Recipient(_phone(facts.phone), facts.name, Audience.CUSTOMER)]
    return []


def _phone(raw: str) -> str:
    """E.164 where the number is valid; else as given (the message is then recorded failed)."""
    try:
        return sms_channel.e164(raw)
    except sms_channel.InvalidPhone:
        return raw.strip()


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
    suppressed = set(
        Suppression.objects.filter(address__in={r.address.lower() for _, r in wanted}).values_list(
            "channel", "address"
        )
    )
    planned: dict[str, Message] = {}
    now = timezone.now()
    for rule, recipient in wanted:
        key = message_key(delivery.event_id, rule.channel, recipient.address)
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
        planned[key] = message
    return list(planned.values())


def _sms(message: Message, template: Template, facts: Facts, now: object) -> None:
    """Fix the SMS's slot values and ids; a bad number or a template DLT would block fails
    the message here, visibly, instead of at the provider."""
    message.subject = ""
    try:
        sms_channel.e164(message.recipient)
    except sms_channel.InvalidPhone as exc:
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
