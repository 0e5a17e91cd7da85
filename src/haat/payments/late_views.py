"""Dashboard pages for late payments (money that arrived after its order was cancelled):
the "needs attention" list, retrying a refund, marking one handled. Parse, call the
service (`late`), show `DomainError.message` on failure; no rules here."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.core.money import formatted
from haat.dashboard.access import require_perm
from haat.payments import late, selectors
from haat.payments.models import Refund

SHOWN = 100


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def late_payments(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    rows = selectors.late_payments() if show_all else selectors.needs_attention()
    items = [
        {
            "late": entry,
            "state": selectors.late_state(entry),
            "notice": selectors.late_notice(entry),
        }
        for entry in rows[:SHOWN]
    ]
    user = request.user
    context = {
        "items": items,
        "show_all": show_all,
        "can_retry": user.can(Perm.REFUNDS_CREATE),
        "can_handle": user.can(Perm.ORDERS_MANAGE),
    }
    return render(request, "payments/late_payments.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    if request.POST.get("next") == "order" and request.POST.get("number"):
        return redirect("orders:order_detail", number=request.POST["number"])
    return redirect("payments:late_payments")


@require_POST
@require_perm(Perm.REFUNDS_CREATE)
def late_payment_retry(request: HttpRequest, late_id: int) -> HttpResponse:
    try:
        refund = late.retry(late_id=late_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    money = formatted(refund.amount, refund.currency, settings.HAAT_LOCALE)
    if refund.status == Refund.Status.PROCESSED:
        messages.success(request, f"Refund of {money} processed.")
    elif refund.status == Refund.Status.FAILED:
        messages.error(request, f"The gateway refused the refund: {refund.failure_reason}")
    else:
        messages.success(request, f"Refund of {money} sent; waiting for the gateway.")
    return _back(request)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def late_payment_handled(request: HttpRequest, late_id: int) -> HttpResponse:
    try:
        entry = late.mark_handled(late_id=late_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    messages.success(request, f"Late payment on {entry.order.number} marked as handled.")
    return _back(request)
