"""API shapes for notifications: messages, rules and templates."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from haat.notifications.models import Message, Rule, Template
from haat.notifications.selectors import event_label, variables


class MessageOut(Schema):
    """One message to a customer or staff member, with what it said and where it is."""

    id: int
    event_type: str = Field(description="the event that caused it, e.g. order.placed")
    channel: str = Field(description="email | sms (whatsapp later)")
    audience: str = Field(description="customer | staff")
    recipient: str = Field(description="e-mail address or E.164 phone")
    recipient_name: str
    order: str = Field(description="the order number; empty when not about an order")
    language: str = Field(description="en | hi")
    template: str = Field(description="the template's key, e.g. order_placed")
    template_version: int = Field(description="the template version the words came from")
    subject: str
    body_text: str
    status: str = Field(description="queued | sending | sent | delivered | read | failed")
    provider: str
    provider_id: str = Field(description="the provider's id of the message (Message-ID)")
    attempts: int
    error: str = Field(description="why the last attempt failed, in words; empty otherwise")
    next_attempt_at: datetime | None = Field(description="when a queued retry is due")
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    failed_at: datetime | None

    @staticmethod
    def resolve_order(obj: Message) -> str:
        return obj.order_number

    @staticmethod
    def resolve_template(obj: Message) -> str:
        return obj.template_key


class MessageDetailOut(MessageOut):
    body_html: str = Field(description="the HTML part of an e-mail")


class RuleOut(Schema):
    """When an event happens, send a template over a channel to someone, if the conditions
    hold."""

    id: int
    event_type: str
    event: str = Field(description="the event in words")
    name: str
    channel: str
    audience: str = Field(description="customer | staff")
    staff_role: str = Field(description="for staff: whose role receives it")
    template: str = Field(description="the template key")
    payment_types: list[str] = Field(description="only for these payment types; [] = any")
    min_total_amount: int | None = Field(
        description="only for orders of at least this total, minor units of the store's "
        "default currency; null = any"
    )
    language: str = Field(description='en | hi; "" = the store\'s (HAAT_MESSAGE_LANGUAGE)')
    enabled: bool

    @staticmethod
    def resolve_event(obj: Rule) -> str:
        return event_label(obj.event_type)

    @staticmethod
    def resolve_template(obj: Rule) -> str:
        return obj.template_key


class RuleIn(Schema):
    """Only the fields sent change."""

    enabled: bool | None = None
    payment_types: list[str] | None = Field(
        None, description="prepaid, cod, partial_cod, reserve_and_pay; [] = any", max_length=4
    )
    min_total_amount: int | None = Field(
        None, ge=0, le=10**12, description="minor units; send clear_min_total to remove"
    )
    clear_min_total: bool = False
    language: str | None = Field(None, description='en | hi | "" (the store\'s)', max_length=5)


class VariableOut(Schema):
    name: str
    meaning: str


class WhatsAppMap(Schema):
    """The template as approved at Meta (WhatsApp templates only)."""

    name: str = Field(max_length=512, description="the approved template's name")
    language: str = Field(max_length=15, description="its language code at Meta, e.g. en_US")
    body: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="the variables filling {{1}}, {{2}}... of the approved body, in order",
    )
    buttons: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="the variables carried as quick-reply button payloads, in order",
    )


class TemplateOut(Schema):
    id: int
    key: str
    event_type: str
    channel: str
    language: str
    subject: str
    body: str = Field(description="plain text, Jinja2 syntax, rendered in a sandbox")
    provider_template: dict[str, str] = Field(
        description="SMS: dlt_template_id (19 digits), sender_id (6-letter DLT header), "
        "msg91_template_id; {} otherwise"
    )
    version: int
    updated_at: datetime
    variables: list[VariableOut] = Field(description="what the template may use")
    whatsapp: WhatsAppMap | None = Field(
        description="channel whatsapp: the approved template it is sent as (else null)"
    )

    @staticmethod
    def resolve_provider_template(obj: Template) -> dict[str, str]:
        return dict(obj.provider_template) if obj.channel == "sms" else {}

    @staticmethod
    def resolve_whatsapp(obj: Template) -> dict | None:
        return (obj.provider_template or None) if obj.channel == "whatsapp" else None

    @staticmethod
    def resolve_variables(obj: Template) -> list[dict[str, str]]:
        return [{"name": v.name, "meaning": v.meaning} for v in variables(obj.event_type)]


class TemplateIn(Schema):
    subject: str = Field(max_length=300)
    body: str = Field(min_length=1, max_length=20000)
    provider_template: dict[str, str] | None = Field(
        None,
        description="SMS templates: dlt_template_id, sender_id, msg91_template_id (all "
        "optional until an SMS rule that uses the template is switched on); omit to keep",
        max_length=3,
    )
    whatsapp: WhatsAppMap | None = Field(
        default=None,
        description="WhatsApp templates: the approved template to send as (omit: unchanged)",
    )


class PreviewOut(Schema):
    subject: str
    body_text: str
    body_html: str
