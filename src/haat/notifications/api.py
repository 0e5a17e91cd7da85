"""Notifications admin API: the message log (list, one, resend), rules (list, change) and
templates (list, one, save, preview). Parse, call, shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.core.errors import NotFound, ValidationError
from haat.core.schemas import errors
from haat.notifications import email_channel, selectors, services
from haat.notifications.error_codes import NotificationError
from haat.notifications.models import Template
from haat.notifications.schemas import (
    MessageDetailOut,
    MessageOut,
    PreviewOut,
    RuleIn,
    RuleOut,
    TemplateIn,
    TemplateOut,
)

admin_router = Router(auth=StaffAuth, tags=["admin: notifications"])


@admin_router.get("messages", response={200: list[MessageOut], **errors(401, 403, 422)})
@paginate(Paginated)
def list_messages(request: HttpRequest, status: str = "", order: str = "", q: str = "") -> Any:
    """Every message sent or to be sent, newest first. `status=failed` is the failed list
    (gave up after retries, bounced, or stopped mid-send); `order` an order number; `q` part
    of the recipient's address."""
    require(request, Perm.ORDERS_VIEW)
    if status and status not in selectors.STATUSES:
        raise ValidationError(
            f"status must be one of {', '.join(selectors.STATUSES)}.", details={"field": "status"}
        )
    return selectors.messages(status=status, order=order, q=q[:100])


@admin_router.get(
    "messages/{message_id}", response={200: MessageDetailOut, **errors(401, 403, 404)}
)
def get_message(request: HttpRequest, message_id: int) -> Any:
    """One message with its HTML part."""
    require(request, Perm.ORDERS_VIEW)
    found = selectors.message(message_id)
    if found is None:
        raise NotFound(
            f"Message {message_id} does not exist.", code=NotificationError.MESSAGE_NOT_FOUND
        )
    return found


@admin_router.post(
    "messages/{message_id}/resend", response={200: MessageOut, **errors(401, 403, 404, 409)}
)
def resend_message(request: HttpRequest, message_id: int) -> Any:
    """Queue a failed message again (same words, fresh attempts); it is sent in the
    background. 409 `message_not_resendable` unless it failed."""
    principal = require(request, Perm.ORDERS_MANAGE)
    return services.resend(message_id=message_id, user=principal.user)


@admin_router.get("message-rules", response={200: list[RuleOut], **errors(401, 403)})
def list_rules(request: HttpRequest) -> Any:
    """Which events send which messages to whom, and on what conditions."""
    require(request, Perm.ORDERS_VIEW)
    return selectors.rules()


@admin_router.patch(
    "message-rules/{rule_id}", response={200: RuleOut, **errors(401, 403, 404, 422)}
)
def update_rule(request: HttpRequest, rule_id: int, payload: RuleIn) -> Any:
    """Switch a rule on or off, or change its conditions."""
    require(request, Perm.STORE_MANAGE)
    change = services.RuleChange(
        enabled=payload.enabled,
        payment_types=payload.payment_types,
        min_total_amount=payload.min_total_amount,
        clear_min_total=payload.clear_min_total,
        language=payload.language,
    )
    return services.update_rule(rule_id=rule_id, change=change)


@admin_router.get("message-templates", response={200: list[TemplateOut], **errors(401, 403)})
def list_templates(request: HttpRequest, key: str = "") -> Any:
    """Every template (per key, channel and language) with the variables it may use."""
    require(request, Perm.ORDERS_VIEW)
    return list(selectors.templates(key=key))


def _template(template_id: int) -> Template:
    found = Template.objects.filter(pk=template_id).first()
    if found is None:
        raise NotFound(
            f"Template {template_id} does not exist.", code=NotificationError.TEMPLATE_NOT_FOUND
        )
    return found


@admin_router.get(
    "message-templates/{template_id}", response={200: TemplateOut, **errors(401, 403, 404)}
)
def get_template(request: HttpRequest, template_id: int) -> Any:
    """One template with its words, version and the variables it may use."""
    require(request, Perm.ORDERS_VIEW)
    return _template(template_id)


@admin_router.put(
    "message-templates/{template_id}", response={200: TemplateOut, **errors(401, 403, 404, 422)}
)
def save_template(request: HttpRequest, template_id: int, payload: TemplateIn) -> Any:
    """Save new words (validated: 422 `template_invalid` lists every problem in
    `details.problems`); the version goes up and messages record the one they used."""
    principal = require(request, Perm.STORE_MANAGE)
    return services.save_template(
        template_id=template_id,
        subject=payload.subject,
        body=payload.body,
        whatsapp=payload.whatsapp.model_dump() if payload.whatsapp else None,
        author=principal.label,
        provider_template=payload.provider_template,
    )


@admin_router.post(
    "message-templates/{template_id}/preview",
    response={200: PreviewOut, **errors(401, 403, 404, 422)},
)
def preview_template(request: HttpRequest, template_id: int, payload: TemplateIn) -> Any:
    """The given words filled in with sample data, as the customer would see them (nothing
    is saved)."""
    require(request, Perm.ORDERS_VIEW)
    template = _template(template_id)
    shown = services.preview(
        event_type=template.event_type, subject=payload.subject, body=payload.body
    )
    return {
        "subject": shown.subject,
        "body_text": shown.body,
        "body_html": email_channel.html_body(subject=shown.subject, text=shown.body),
    }
