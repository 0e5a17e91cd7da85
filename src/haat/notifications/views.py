"""Dashboard pages: the message log (with the failed list and resend), the rules and the
template editor with a live preview. Parse, call the service, show `DomainError.message`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haat.accounts.roles import Perm
from haat.core.currencies import default_currency
from haat.core.errors import DomainError
from haat.core.mail_delivery import delivery_summary, kept_locally
from haat.core.money import Money
from haat.dashboard.access import require_perm
from haat.notifications import (
    cod,
    email_channel,
    selectors,
    services,
    sms_channel,
    whatsapp_channel,
)
from haat.notifications.models import Channel, Language, Template
from haat.notifications.sources import money
from haat.orders.models import Order

PAGE_SIZE = 50
_SMS_FIELDS = ("dlt_template_id", "sender_id", "msg91_template_id")
_TABS = [
    ("", "All"),
    ("failed", "Failed"),
    ("queued", "Waiting"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
]


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def message_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in selectors.STATUSES:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.messages(status=status, q=q).only(
        "id",
        "event_type",
        "channel",
        "recipient",
        "recipient_name",
        "audience",
        "order_number",
        "subject",
        "status",
        "attempts",
        "error",
        "created_at",
        "sent_at",
        "next_attempt_at",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts()
    tabs = [
        {"value": v, "label": label, "count": counts.get(v) if v else sum(counts.values())}
        for v, label in _TABS
    ]
    items = [{"m": m, "about": selectors.event_label(m.event_type)} for m in page.object_list]
    return render(
        request,
        "notifications/messages.html",
        {
            "page": page,
            "items": items,
            "tabs": tabs,
            "status": status,
            "q": q,
            "delivery": delivery_summary(),
            "kept_locally": kept_locally(),
            "can_resend": request.user.can(Perm.ORDERS_MANAGE),
            "sms_summary": sms_channel.summary(),
        },
    )


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    found = selectors.message(message_id)
    if found is None:
        raise Http404("No such message")
    return render(
        request,
        "notifications/message_detail.html",
        {
            "m": found,
            "about": selectors.event_label(found.event_type),
            "can_resend": request.user.can(Perm.ORDERS_MANAGE),
        },
    )


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def message_resend(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        sent = services.resend(message_id=message_id, user=request.user)
    except DomainError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, f"The message to {sent.recipient} is queued to be sent again.")
    if request.POST.get("next") == "list":
        return redirect("notifications:message_list")
    return redirect("notifications:message_detail", message_id=message_id)


def _rule_rows() -> list[dict]:
    code = default_currency().code
    off_reasons = _channel_off_reasons()
    return [
        {
            "rule": rule,
            "event": selectors.event_label(rule.event_type),
            "minimum": (
                str(Money(rule.min_total_amount, code).to_decimal())
                if rule.min_total_amount is not None
                else ""
            ),
            "minimum_words": money(rule.min_total_amount, code)
            if rule.min_total_amount is not None
            else "",
            "payment_words": [str(Order.PaymentType(p).label) for p in rule.payment_types],
            "why_off": "" if rule.enabled else off_reasons.get(rule.channel, ""),
        }
        for rule in selectors.rules()
    ]


def _channel_off_reasons() -> dict[str, str]:
    """Why a channel's rules are off, in words, for each channel not set up yet."""
    reasons = {}
    if not sms_channel.configured():
        reasons[Channel.SMS] = sms_channel.summary()
    if not whatsapp_channel.configured():
        reasons[Channel.WHATSAPP] = whatsapp_channel.summary()
    return reasons


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ORDERS_VIEW)
def rule_list(request: HttpRequest) -> HttpResponse:
    can_edit = request.user.can(Perm.STORE_MANAGE)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            rule = services.update_rule(
                rule_id=int(request.POST.get("rule", "0") or 0), change=_rule_change(request)
            )
        except (DomainError, ValueError) as exc:
            flash.error(request, getattr(exc, "message", str(exc)))
        else:
            flash.success(request, f"“{rule.name}” is {'on' if rule.enabled else 'off'} and saved.")
        return redirect("notifications:rule_list")
    return render(
        request,
        "notifications/rules.html",
        {
            "rows": _rule_rows(),
            "can_edit": can_edit,
            "payment_types": Order.PaymentType.choices,
            "languages": Language.choices,
            "currency": default_currency().code,
        },
    )


def _rule_change(request: HttpRequest) -> services.RuleChange:
    raw = request.POST.get("minimum", "").strip().replace(",", "")
    minimum = None
    if raw:
        try:
            minimum = Money.from_decimal(Decimal(raw), default_currency().code).amount
        except (InvalidOperation, ValueError):
            raise ValueError("Enter the minimum order value as an amount, e.g. 999.00.") from None
    return services.RuleChange(
        enabled=request.POST.get("enabled") == "on",
        payment_types=request.POST.getlist("payment_types"),
        min_total_amount=minimum,
        clear_min_total=minimum is None,
        language=request.POST.get("language", ""),
    )


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def template_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[Template]] = {}
    for template in selectors.templates():
        groups.setdefault(template.key, []).append(template)
    rows = [
        {
            "key": key,
            "event": selectors.event_label(items[0].event_type),
            "templates": items,
            "example": _preview(items[0], items[0].subject, items[0].body).get("subject", ""),
        }
        for key, items in groups.items()
    ]
    return render(request, "notifications/templates.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ORDERS_VIEW)
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    template = selectors.templates().filter(pk=template_id).first()
    if template is None:
        raise Http404("No such template")
    can_edit = request.user.can(Perm.STORE_MANAGE)
    subject, body, problems = template.subject, template.body, []
    is_sms = template.channel == Channel.SMS
    ids = dict(template.provider_template)
    whatsapp = None
    if request.method == "POST" and can_edit:
        subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
        if is_sms:
            ids = {k: request.POST.get(k, "").strip() for k in _SMS_FIELDS}
        elif template.channel == Channel.WHATSAPP:
            whatsapp = _whatsapp_map(request)
            ids = whatsapp
        try:
            saved = services.save_template(
                template_id=template.pk,
                subject=subject,
                body=body,
                author=request.user.email,
                provider_template=ids if is_sms else None,
                whatsapp=whatsapp,
            )
        except DomainError as exc:
            problems = exc.details.get("problems") or [exc.message]
        else:
            flash.success(request, f"Template saved (version {saved.version}).")
            return redirect("notifications:template_edit", template_id=template.pk)
    return render(
        request,
        "notifications/template_edit.html",
        {
            "t": template,
            "event": selectors.event_label(template.event_type),
            "subject": subject,
            "body": body,
            "problems": problems,
            "variables": selectors.variables(template.event_type),
            "can_edit": can_edit,
            "preview": _preview(template, subject, body),
            "revisions": template.revisions.all()[:5],
            "sms": {
                "ids": ids,
                "summary": sms_channel.summary(),
                "dlt_text": sms_channel.dlt_text(body),
            }
            if is_sms
            else None,
            "wa": {
                "name": ids.get("name", ""),
                "language": ids.get("language", ""),
                "body": ", ".join(ids.get("body", [])),
                "buttons": ", ".join(ids.get("buttons", [])),
            }
            if template.channel == Channel.WHATSAPP
            else None,
        },
        status=422 if problems else 200,
    )


@require_POST
@require_perm(Perm.ORDERS_VIEW)
def template_preview(request: HttpRequest, template_id: int) -> HttpResponse:
    template = selectors.templates().filter(pk=template_id).first()
    if template is None:
        raise Http404("No such template")
    shown = _preview(template, request.POST.get("subject", ""), request.POST.get("body", ""))
    return render(request, "notifications/_preview.html", {"preview": shown})


def _preview(template: Template, subject: str, body: str) -> dict:
    try:
        shown = services.preview(event_type=template.event_type, subject=subject, body=body)
    except DomainError as exc:
        return {"problems": exc.details.get("problems") or [exc.message]}
    if template.channel == Channel.SMS:
        return {"subject": "", "sms": True, "text": shown.body, "problems": []}
    return {
        "subject": shown.subject,
        "html": email_channel.html_body(subject=shown.subject, text=shown.body),
        "problems": [],
    }


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def cod_queue(request: HttpRequest) -> HttpResponse:
    """Cash-on-delivery orders whose customer did not answer the confirmation in time."""
    show = "all" if request.GET.get("show") == "all" else ""
    rates = selectors.cod_rates()
    asked = sum(rates.values())
    answered = rates["confirmed"] + rates["cancelled"]
    return render(
        request,
        "notifications/cod_queue.html",
        {
            "items": [
                {
                    "row": item.row,
                    "order": item.order,
                    "total": money(item.order.total_amount, item.order.currency_id)
                    if item.order
                    else "",
                }
                for item in selectors.cod_queue(show=show)
            ],
            "show_all": bool(show),
            "asked": asked,
            "rates": rates,
            "answered_share": round(100 * answered / asked) if asked else 0,
            "hours": cod.answer_hours(),
        },
    )


@require_POST
@require_perm(Perm.ORDERS_VIEW)
def cod_called(request: HttpRequest, confirmation_id: int) -> HttpResponse:
    row = cod.mark_called(confirmation_id=confirmation_id)
    if row is None:
        raise Http404("No such confirmation.")
    flash.success(request, f"Order {row.order_number} is marked as handled by phone.")
    return redirect("notifications:cod_queue")


def _whatsapp_map(request: HttpRequest) -> dict[str, object]:
    """The editor's "approved at Meta" fields (variables comma-separated, in order)."""

    def names(field: str) -> list[str]:
        return [v.strip() for v in request.POST.get(field, "").split(",") if v.strip()]

    return {
        "name": request.POST.get("wa_name", ""),
        "language": request.POST.get("wa_language", ""),
        "body": names("wa_body"),
        "buttons": names("wa_buttons"),
    }
