"""From events to message rows: which rules fire, for whom, in which words.

`plan_many()` decides for a batch of events without writing (a constant number of
statements however many events: see its docstring); `write()` inserts the rows in one
statement with
`ON CONFLICT DO NOTHING` on the unique message key, so the consumer can run twice (a crash
before its delivery row committed) and still leave one message per (event, channel,
recipient). Runs inside the outbox consumer's transaction: the rows and the consumer's
"done" mark commit together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jinja2 import TemplateError

from haat.accounts.models import User
from haat.core import settings_stamp
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
    Consent,
    Message,
    Purpose,
    Rule,
    Suppression,
    Template,
)
from haat.notifications.sources import Facts, facts_for, source
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


def recipients(rule: Rule, facts: Facts, staff: dict[str, list[Recipient]]) -> list[Recipient]:
    """Who `rule` writes to about `facts`; `staff` holds the staff of each role read so far
    in this batch (read once per role, not once per event)."""
    if rule.audience == Audience.STAFF:
        if rule.staff_role not in staff:
            users = User.objects.filter(is_active=True, role=rule.staff_role).exclude(email="")
            staff[rule.staff_role] = [
                Recipient(u.email, u.full_name, Audience.STAFF) for u in users.order_by("id")
            ]
        return staff[rule.staff_role]
    if rule.channel == Channel.EMAIL and facts.email:
        return [Recipient(facts.email, facts.name, Audience.CUSTOMER)]
    if rule.channel in (Channel.SMS, Channel.WHATSAPP) and facts.phone:
        # E.164 as the address, so every message to one phone shares its consent and reports
        return [Recipient(phones.e164_or_raw(facts.phone), facts.name, Audience.CUSTOMER)]
    return []


def _needs_consent(rule: Rule, recipient: Recipient) -> bool:
    """Whether the message's consent row matters: every WhatsApp message (a STOP withdraws
    order updates too), and marketing to a customer elsewhere (it needs an opt-in)."""
    if rule.channel == Channel.WHATSAPP:
        return True
    return (
        recipient.audience == Audience.CUSTOMER
        and consent.purpose_of(rule.template_key) == Purpose.MARKETING
    )


@dataclass(frozen=True)
class Setup:
    """The enabled rules by event type and every template by (key, channel, language):
    settings, kept per process under the settings stamp (rules and templates move it), so
    a batch reads them only after a change. Read-only: shared by the process's threads."""

    rules: dict[str, tuple[Rule, ...]]
    templates: dict[tuple[str, str, str], Template]


def _load_setup() -> Setup:
    rules: dict[str, list[Rule]] = {}
    for rule in Rule.objects.filter(enabled=True).order_by("event_type", "id"):
        rules.setdefault(rule.event_type, []).append(rule)
    return Setup(
        rules={event_type: tuple(found) for event_type, found in rules.items()},
        templates={(t.key, t.channel, t.language): t for t in Template.objects.all()},
    )


_setup = settings_stamp.Stamped(_load_setup)


def plan(event: Event, delivery: Delivery) -> list[Message]:
    """The messages `event` calls for (unsaved). Failed ones (a template that no longer
    renders, a suppressed address) are planned too, so staff see them."""
    return plan_many([(event, delivery)])


def plan_many(items: list[tuple[Event, Delivery]]) -> list[Message]:
    """`plan` for many events with a constant number of statements: the settings stamp
    (pinned for the batch, so the store's details and the rules cost nothing more), the
    orders and their lines, the staff of each role written to, the default currency if a
    rule needs it, the suppressions of every address and, when a WhatsApp or marketing
    message is among them, the consent rows of those addresses."""
    stamp = settings_stamp.current()
    with settings_stamp.pinned(stamp):
        setup = _setup.get(stamp=stamp)
        fired = [
            (event, delivery, setup.rules[event.event_type])
            for event, delivery in items
            if source(event.event_type) is not None and setup.rules.get(event.event_type)
        ]
        if not fired:
            return []
        all_facts = facts_for([event for event, _, _ in fired])
        currency = ""
        if any(r.min_total_amount is not None for _, _, rules in fired for r in rules):
            currency = default_currency().code
        staff: dict[str, list[Recipient]] = {}
        wanted = [
            (event, delivery, facts, rule, recipient)
            for (event, delivery, rules), facts in zip(fired, all_facts, strict=True)
            for rule in rules
            if matches(rule, facts, currency)
            for recipient in recipients(rule, facts, staff)
        ]
        addresses = {w[4].address.lower() for w in wanted}
        suppressed = (
            set(Suppression.objects.filter(address__in=addresses).values_list("channel", "address"))
            if addresses
            else set()
        )
        consents = consent.rows(
            addresses={w[4].address for w in wanted if _needs_consent(w[3], w[4])}
        )
        planned: dict[str, Message] = {}
        now = timezone.now()
        for event, delivery, facts, rule, recipient in wanted:
            key = message_key(delivery.event_id, rule.channel, recipient.address)
            if (
                rule.template_key == cod.TEMPLATE_KEY
                or consent.purpose_of(rule.template_key) == Purpose.MARKETING
            ):
                # A question (COD confirmation) or an offer goes besides the event's notice
                # to the same address, not instead of it.
                key += f":{rule.template_key}"
            if key in planned:
                continue  # two rules, one message per (event, channel, recipient)
            message = _message(event, delivery, facts, rule, recipient, key, setup, now)
            if message is None:
                continue
            if (rule.channel, recipient.address.lower()) in suppressed:
                _fail(message, now, "Not sent: this address bounced or complained earlier.")
            if rule.channel == Channel.WHATSAPP:
                _whatsapp(message, message.template, facts, consents, now)
            elif recipient.audience == Audience.CUSTOMER:
                _email_consent(message, message.template, consents, now)
            planned[key] = message
    return _cod_fallback(list(planned.values()))


def _message(
    event: Event,
    delivery: Delivery,
    facts: Facts,
    rule: Rule,
    recipient: Recipient,
    key: str,
    setup: Setup,
    now: datetime,
) -> Message | None:
    language = rule.language or default_language()
    template = setup.templates.get(
        (rule.template_key, rule.channel, language)
    ) or setup.templates.get((rule.template_key, rule.channel, "en"))
    if template is None:
        logger.warning("No %s template %r for rule %s", rule.channel, rule.template_key, rule.pk)
        return None
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
            message.body_html = email_channel.html_body(subject=message.subject, text=rendered.body)
        elif rule.channel == Channel.SMS:
            _sms(message, template, facts, now)
    return message


def _whatsapp(
    message: Message,
    template: Template,
    facts: Facts,
    consents: dict[tuple[str, str, str], Consent],
    now: datetime,
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
    row = consents.get((Channel.WHATSAPP, message.recipient.strip().lower(), purpose))
    if not consent.granted(row, purpose):
        refusal = row if row is not None and not row.granted else None
        when = f" on {refusal.changed_at:%d %b %Y}" if refusal is not None else ""
        _fail(message, now, f"Not sent: the customer opted out of WhatsApp messages{when}.")
        return
    if template.provider_template:
        message.provider_payload = whatsapp_channel.payload(
            template.provider_template, facts.variables
        )
    if not whatsapp_channel.configured():
        _fail(message, now, whatsapp_channel.NOT_SET_UP)


def _email_consent(
    message: Message,
    template: Template,
    consents: dict[tuple[str, str, str], Consent],
    now: datetime,
) -> None:
    """E-mail: marketing needs an opt-in and carries a one-click unsubscribe (RFC 8058);
    an unsubscribed address gets no more marketing. Order updates always go."""
    if message.status == Message.Status.FAILED:
        return
    if consent.purpose_of(template.key) != Purpose.MARKETING:
        return
    row = consents.get((Channel.EMAIL, message.recipient.strip().lower(), Purpose.MARKETING))
    if not consent.granted(row, Purpose.MARKETING):
        _fail(message, now, "Not sent: the customer has not agreed to offers by e-mail.")
        return
    url = consent.unsubscribe_url(message.recipient)
    message.provider_payload = {"headers": consent.unsubscribe_headers(message.recipient)}
    message.body_text += f"\n\nUnsubscribe from offers: {url}"
    message.body_html = email_channel.html_body(subject=message.subject, text=message.body_text)


def _cod_fallback(messages: list[Message]) -> list[Message]:
    """The COD confirmation goes by e-mail only when no WhatsApp one is on its way for the
    same event (a batch holds many events: each decides for itself)."""
    by_whatsapp = {
        m.event_id
        for m in messages
        if m.template_key == cod.TEMPLATE_KEY
        and m.channel == Channel.WHATSAPP
        and m.status == Message.Status.QUEUED
    }
    if not by_whatsapp:
        return messages
    return [
        m
        for m in messages
        if not (
            m.template_key == cod.TEMPLATE_KEY
            and m.channel == Channel.EMAIL
            and m.event_id in by_whatsapp
        )
    ]


def _sms(message: Message, template: Template, facts: Facts, now: datetime) -> None:
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


def _fail(message: Message, now: datetime, error: str) -> None:
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
