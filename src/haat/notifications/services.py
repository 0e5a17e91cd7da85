"""Staff actions on messages, rules and templates: the only code that changes them (the
consumer queues and `sending` sends)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from haat.core import settings_stamp
from haat.core.audit import record_audit
from haat.core.currencies import default_currency
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.notifications import rendering, sms_channel, whatsapp_channel
from haat.notifications.defaults import seed, seed_whatsapp
from haat.notifications.error_codes import NotificationError
from haat.notifications.models import (
    Channel,
    Language,
    Message,
    Rule,
    Template,
    TemplateRevision,
)
from haat.notifications.sources import allowed_variables, money, sample_variables
from haat.notifications.tasks import schedule_send
from haat.orders.models import Order

RESENDABLE = {Message.Status.FAILED}


def resend(*, message_id: int, user: Any = None) -> Message:
    """Queue a failed message again with fresh attempts (same key, same words)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise NotFound(
                f"Message {message_id} does not exist.", code=NotificationError.MESSAGE_NOT_FOUND
            )
        if message.status not in RESENDABLE:
            raise Conflict(
                f"This message is {message.get_status_display().lower()}; only a failed "
                "message can be sent again.",
                code=NotificationError.NOT_RESENDABLE,
            )
        previous_error = message.error
        message.status = Message.Status.QUEUED
        message.attempts = 0
        message.error = ""
        message.next_attempt_at = None
        message.failed_at = None
        message.claim_token = ""
        message.resent_by = user if getattr(user, "pk", None) else None
        message.save(
            update_fields=[
                "status",
                "attempts",
                "error",
                "next_attempt_at",
                "failed_at",
                "claim_token",
                "resent_by",
            ]
        )
        record_audit(
            action="notifications.message_resent",
            obj=message,
            changes={"recipient": message.recipient, "error": previous_error[:300]},
        )
        transaction.on_commit(schedule_send)
    return message


@dataclass(frozen=True)
class RuleChange:
    enabled: bool | None = None
    payment_types: list[str] | None = None
    min_total_amount: int | None = None
    clear_min_total: bool = False
    language: str | None = None


def update_rule(*, rule_id: int, change: RuleChange) -> Rule:
    """Switch a rule on or off or change its conditions (empty: any)."""
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(f"Rule {rule_id} does not exist.", code=NotificationError.RULE_NOT_FOUND)
        before = _rule_state(rule)
        if change.enabled is not None:
            if change.enabled and not rule.enabled and rule.channel == Channel.SMS:
                _check_sms_ready(rule)
            if change.enabled and not rule.enabled and rule.channel == Channel.WHATSAPP:
                _check_whatsapp_ready()
            rule.enabled = change.enabled
        if change.payment_types is not None:
            unknown = sorted(set(change.payment_types) - set(Order.PaymentType.values))
            if unknown:
                raise ValidationError(
                    f"Unknown payment type: {', '.join(unknown)}.",
                    details={"field": "payment_types"},
                )
            rule.payment_types = sorted(set(change.payment_types))
        if change.clear_min_total:
            rule.min_total_amount = None
        elif change.min_total_amount is not None:
            if change.min_total_amount < 0:
                raise ValidationError(
                    "The order value cannot be negative.", details={"field": "min_total_amount"}
                )
            rule.min_total_amount = change.min_total_amount
        if change.language is not None:
            if change.language and change.language not in Language.values:
                raise ValidationError(
                    "Choose English or Hindi, or the store's language.",
                    details={"field": "language"},
                )
            rule.language = change.language
        after = _rule_state(rule)
        if after != before:
            rule.save()
            record_audit(
                action="notifications.rule_updated",
                obj=rule,
                changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            )
    return rule


def _check_whatsapp_ready() -> None:
    """A WhatsApp rule goes on only with the Cloud API set up: otherwise every order would
    add a "not set up" message to the failed list."""
    if not whatsapp_channel.configured():
        raise ValidationError(
            whatsapp_channel.summary(),
            code=NotificationError.WHATSAPP_NOT_READY,
            details={"field": "enabled"},
        )


def _check_sms_ready(rule: Rule) -> None:
    """An SMS rule goes on only with a provider set up and, in India, every template it
    may use registered on DLT (else the operators would block the messages silently)."""
    if not sms_channel.configured():
        raise ValidationError(
            sms_channel.summary(),
            code=NotificationError.SMS_NOT_READY,
            details={"field": "enabled"},
        )
    for template in Template.objects.filter(key=rule.template_key, channel=Channel.SMS):
        problem = sms_channel.not_ready(template.provider_template)
        if problem:
            raise ValidationError(
                f"The {template.get_language_display()} SMS “{template.key}” cannot be sent: "
                f"{problem}. Add it on the template first.",
                code=NotificationError.SMS_NOT_READY,
                details={"field": "enabled", "template_id": template.pk},
            )


def _rule_state(rule: Rule) -> dict[str, Any]:
    """The rule's conditions as the audit log shows them (money in words)."""
    minimum = rule.min_total_amount
    return {
        "enabled": rule.enabled,
        "payment_types": [str(Order.PaymentType(p).label) for p in rule.payment_types],
        "min_order_value": money(minimum, default_currency().code) if minimum is not None else "",
        "language": str(Language(rule.language).label) if rule.language else "",
    }


def check_template(*, event_type: str, subject: str, body: str) -> None:
    """Raise ValidationError (`template_invalid`, every problem in `details.problems`)."""
    try:
        rendering.check(
            subject=subject,
            body=body,
            allowed=set(allowed_variables(event_type)),
            sample=sample_variables(event_type),
        )
    except rendering.TemplateInvalid as exc:
        raise ValidationError(
            " ".join(exc.problems),
            code=NotificationError.TEMPLATE_INVALID,
            details={"problems": exc.problems},
        ) from None


def save_template(
    *,
    template_id: int,
    subject: str,
    body: str,
    author: str = "",
    provider_template: dict[str, Any] | None = None,
    whatsapp: dict[str, Any] | None = None,
) -> Template:
    """Validate and save new words (and the provider's side: an SMS template's DLT and
    provider ids, a WhatsApp template's approved template at Meta); the version goes up and
    the old words are kept. An SMS template an enabled rule uses cannot lose the ids it
    needs."""
    with transaction.atomic():
        template = Template.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise NotFound(
                f"Template {template_id} does not exist.",
                code=NotificationError.TEMPLATE_NOT_FOUND,
            )
        subject, body = subject.strip(), body.replace("\r\n", "\n").strip()
        if len(subject) > 300:
            raise ValidationError(
                "The subject is longer than 300 characters.", details={"field": "subject"}
            )
        check_template(event_type=template.event_type, subject=subject, body=body)
        ids = template.provider_template
        if whatsapp is not None:  # refused unless a WhatsApp template
            ids = _check_whatsapp(template, whatsapp)
        if template.channel == Channel.SMS:
            subject = ""
            ids = _sms_ids(template, body, provider_template)
        if (subject, body, ids) == (template.subject, template.body, template.provider_template):
            return template
        if (subject, body) == (template.subject, template.body):
            template.provider_template = ids
            template.save(update_fields=["provider_template", "updated_at"])
            action = (
                "notifications.sms_ids_saved"
                if template.channel == Channel.SMS
                else "notifications.provider_template_saved"
            )
            record_audit(action=action, obj=template, changes=ids)
            return template
        TemplateRevision.objects.get_or_create(
            template=template,
            version=template.version,
            defaults={"subject": template.subject, "body": template.body, "created_by": author},
        )
        template.subject, template.body, template.provider_template = subject, body, ids
        template.version += 1
        template.save()
        record_audit(
            action="notifications.template_saved",
            obj=template,
            changes={"version": [template.version - 1, template.version]},
        )
    return template


def _sms_ids(template: Template, body: str, given: dict[str, Any] | None) -> dict[str, str]:
    problems = sms_channel.check_body(body)
    ids = template.provider_template if given is None else given
    problems += sms_channel.check_provider_template(ids)
    if not problems:
        ids = sms_channel.clean_provider_template(ids)
        in_use = Rule.objects.filter(
            channel=Channel.SMS, template_key=template.key, enabled=True
        ).exists()
        problem = sms_channel.not_ready(ids) if in_use else ""
        if problem:
            problems.append(
                f"An SMS rule that is on uses this template, so it needs its ids: {problem}."
            )
    if problems:
        raise ValidationError(
            " ".join(problems),
            code=NotificationError.TEMPLATE_INVALID,
            details={"problems": problems},
        )
    return ids


def _check_whatsapp(template: Template, mapping: dict[str, Any]) -> dict[str, Any]:
    if template.channel != Channel.WHATSAPP:
        raise ValidationError(
            "Only a WhatsApp template maps to a template approved at Meta.",
            code=NotificationError.TEMPLATE_INVALID,
            details={"problems": ["Only a WhatsApp template maps to a template approved at Meta."]},
        )
    mapping = {
        "name": str(mapping.get("name", "")).strip(),
        "language": str(mapping.get("language", "")).strip(),
        "body": [str(v).strip() for v in mapping.get("body") or []],
        "buttons": [str(v).strip() for v in mapping.get("buttons") or []],
    }
    problems = whatsapp_channel.check_mapping(
        mapping, allowed=set(allowed_variables(template.event_type))
    )
    if problems:
        raise ValidationError(
            " ".join(problems),
            code=NotificationError.TEMPLATE_INVALID,
            details={"problems": problems},
        )
    return mapping


def preview(*, event_type: str, subject: str, body: str) -> rendering.Rendered:
    """The template filled in with sample data (raises ValidationError like a save)."""
    check_template(event_type=event_type, subject=subject, body=body)
    return rendering.render(subject=subject, body=body, variables=sample_variables(event_type))


def ensure_defaults() -> None:
    """Add the default rules and templates that are missing (the data migration does the
    same; tests that empty the tables and the demo call this). Bulk inserts send no
    signals, so the settings stamp is moved here: every process reloads its rules."""
    with transaction.atomic():
        seed(Rule, Template)
        seed_whatsapp(Rule, Template)
        settings_stamp.bump()
