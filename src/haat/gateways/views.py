"""Pages: the test gateway's hosted pay page (public) and the gateway settings (staff).

The pay page is reached by the Payment's unguessable token; its buttons only store a
signed event and enqueue the webhook task, exactly like a real gateway's webhook.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.core.money import Money
from haat.dashboard.access import require_perm
from haat.gateways import callbacks, selectors, services, testgateway
from haat.gateways.callbacks import TestPayment
from haat.gateways.credentials import test_gateway_enabled

GATEWAYS_PERM = Perm.PAYMENTS_MANAGE
_PAID = "This payment has already been made. Nothing more to pay."
_EXPIRED = "This payment link has expired. Go back to the store to start again."
_CLOSED_MESSAGES = {  # by the payment's status
    "captured": _PAID,
    "authorized": _PAID,
    "failed": "This payment attempt failed. Go back to the store to try again.",
    "expired": _EXPIRED,
    "cancelled": "This payment was cancelled. Go back to the store to start again.",
}


def _payment(token: str) -> TestPayment:
    if not test_gateway_enabled():
        raise Http404("The test gateway is switched off.")
    payment = callbacks.find_test_payment(token)
    if payment is None:
        raise Http404("No such payment.")
    return payment


def _safe_return_url(value: str) -> str:
    """An http(s) URL or a site-relative path; anything else is dropped."""
    value = (value or "").strip()[:500]
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    if value.startswith("/") and not value.startswith("//") and not parts.scheme:
        return value
    return ""


def _closed_reason(payment: TestPayment) -> str:
    if not payment.is_open:
        return _CLOSED_MESSAGES.get(payment.status, "This payment is closed.")
    if payment.expires_at and payment.expires_at <= timezone.now():
        return _EXPIRED
    return ""


def _context(payment: TestPayment, return_url: str) -> dict:
    return {
        "payment": payment,
        "amount": Money(payment.amount, payment.currency).format(settings.HAAT_LOCALE),
        "return_url": return_url,
    }


@require_http_methods(["GET", "POST"])
def test_pay(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the TEST MODE page. POST (CSRF-protected): store the signed event for the
    clicked button and go to the result page. The first click decides; later ones
    (another tab, a double click) find that decision and change nothing."""
    payment = _payment(token)
    return_url = _safe_return_url(
        request.POST.get("return_url") or request.GET.get("return_url", "")
    )
    context = _context(payment, return_url)
    reason = _closed_reason(payment)
    if reason:
        context["reason"] = reason
        return render(request, "gateways/test_pay_closed.html", context, status=410)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("pay", "fail"):
            context["error"] = "Choose “Pay successfully” or “Fail payment”."
            return render(request, "gateways/test_pay.html", context, status=422)
        testgateway.payment_event(payment=payment, succeed=action == "pay")
        url = reverse("gateways_public:test_pay_result", args=[token])
        return redirect(f"{url}?{urlencode({'return_url': return_url})}" if return_url else url)
    return render(request, "gateways/test_pay.html", context)


@require_GET
def test_pay_result(request: HttpRequest, token: str) -> HttpResponse:
    """Polls (htmx, every second) until the webhook task has applied the click."""
    payment = _payment(token)
    context = _context(payment, _safe_return_url(request.GET.get("return_url", "")))
    context["final"] = not payment.is_open
    context["poll_url"] = request.get_full_path()
    template = "gateways/_test_pay_status.html" if request.htmx else "gateways/test_pay_result.html"
    return render(request, template, context)


# --- dashboard ------------------------------------------------------------------------------
@require_GET
@require_perm(GATEWAYS_PERM)
def gateway_settings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gateways/settings.html",
        {
            "statuses": selectors.gateway_statuses(),
            "test_gateway_enabled": test_gateway_enabled(),
            "webhook_urls": {
                "razorpay": request.build_absolute_uri(reverse("gateways_public:webhook_razorpay")),
                "stripe": request.build_absolute_uri(reverse("gateways_public:webhook_stripe")),
            },
            "events": list(selectors.recent_events()[:20]),
        },
    )


@require_POST
@require_perm(GATEWAYS_PERM)
def gateway_settings_save(request: HttpRequest, code: str) -> HttpResponse:
    try:
        account = services.save_account(
            gateway=code,
            key_id=request.POST.get("key_id"),
            secret=request.POST.get("secret"),
            webhook_secret=request.POST.get("webhook_secret"),
            enabled=request.POST.get("enabled") == "on",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{account.get_gateway_display()} credentials saved ({account.mode} mode)."
        )
    return redirect("gateways:gateway_settings")
