"""Haat's own pay page, `/pay/<order token>`: the payment link of reserve & pay orders in
currencies whose gateway has no links (Stripe, the test gateway), the return page after a
gateway checkout, and where a customer retries after a failed payment.

GET shows the order's payment state. POST opens a payment at the currency's gateway
(`flows.retry_payment`) and sends the customer to its hosted page (test gateway) or renders
its checkout (Razorpay Checkout, Stripe Payment Element). A page used after the order was
paid answers 409, after it expired or was cancelled 410; both are recorded in the audit
log and change nothing.

Mount with `path("", include("haat.payments.paypage"))` in haat/urls.py.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from haat.core.audit import record_audit
from haat.core.context import client_ip
from haat.core.errors import DomainError
from haat.core.money import Money
from haat.core.ratelimit import limit_view
from haat.orders import state
from haat.orders.models import Order
from haat.payments import flows
from haat.payments.models import Payment

S = Order.Status
STATUS_CODES = {"paid": 409, "done": 409, "waiting": 409, "expired": 410, "closed": 410}


def page_state(order: Order) -> tuple[str, str]:
    """(state, message): payable | processing | paid | done | waiting | expired | closed."""
    if order.status == S.CANCELLED:
        return "closed", order.cancel_reason or "This order was cancelled."
    if order.status in state.CONFIRMED_OR_LATER:
        if order.amount_due_online and order.amount_paid >= order.amount_due_online:
            return "paid", "This order is paid. Thank you!"
        return "done", "Nothing is due online for this order."
    if order.status == S.PENDING_CONFIRMATION:
        return "waiting", (
            "We are confirming that your items are available. You will get a payment link "
            "as soon as they are."
        )
    if order.pay_by and order.pay_by <= timezone.now():
        return "expired", "This payment link has expired."
    if order.payments.filter(
        status__in=[Payment.Status.AUTHORIZED, Payment.Status.CAPTURED]
    ).exists():
        return "processing", "We have your payment and are confirming the order…"
    if order.status == S.PAYMENT_FAILED:
        return "payable", f"The last payment did not go through: {order.cancel_reason}"
    return "payable", ""


def _context(order: Order, state: str, message: str) -> dict:
    return {
        "order": order,
        "state": state,
        "message": message,
        "due": Money(max(order.amount_due_online - order.amount_paid, 0), order.currency_id).format(
            settings.HAAT_LOCALE
        ),
        "on_delivery": Money(order.amount_due_on_delivery, order.currency_id).format(
            settings.HAAT_LOCALE
        ),
    }


def _refused(order: Order, state: str, message: str) -> None:
    with transaction.atomic():
        record_audit(
            action="paylink.refused",
            obj=order,
            changes={"state": state, "status": order.status, "message": message},
        )


@limit_view(
    ("pay_ip", lambda request, _: client_ip(request) or ""),
    ("pay_token", lambda _, kwargs: kwargs.get("token", "")[:64]),
)
@require_http_methods(["GET", "POST"])
@ensure_csrf_cookie
def pay_page(request: HttpRequest, token: str) -> HttpResponse:
    order = Order.objects.filter(token=str(token)[:32]).first() if token else None
    if order is None:
        return render(
            request,
            "payments/pay/missing.html",
            status=404,
        )
    state, message = page_state(order)
    context = _context(order, state, message)
    if request.method == "GET":
        status = 410 if state in ("expired", "closed") else 200
        return render(request, "payments/pay/page.html", context, status=status)
    if state != "payable":
        _refused(order, state, message)
        return render(
            request, "payments/pay/page.html", context, status=STATUS_CODES.get(state, 409)
        )
    try:
        payment, checkout = flows.retry_payment(order=order, return_url=flows.pay_page_url(order))
    except DomainError as exc:
        _refused(order, "error", exc.message)
        order.refresh_from_db()
        context = _context(order, *page_state(order))
        context["error"] = exc.message
        return render(request, "payments/pay/page.html", context, status=exc.http_status)
    if checkout.redirect_url:
        return redirect(checkout.redirect_url)
    context.update(
        payment=payment,
        gateway=checkout.gateway,
        client_data=checkout.client_data,
        client_json=json.dumps(checkout.client_data),
    )
    return render(request, "payments/pay/checkout.html", context)


# Mounted at the site root as `paypage:` (payments/frontdoor.py).
urlpatterns = [path("pay/<str:token>", pay_page, name="pay")]
