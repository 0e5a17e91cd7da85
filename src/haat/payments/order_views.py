"""Dashboard actions on an order's money, posted from the order page
(`/dashboard/orders/<number>/...`): refunds, cash collected on delivery, reserve & pay
availability. Parse the form, call the service, show `DomainError.message` on failure;
no rules here."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError, ValidationError
from haat.core.money import Money
from haat.dashboard.access import require_perm
from haat.orders.error_codes import OrderError
from haat.orders.models import Order
from haat.orders.selectors import order_by_number
from haat.payments import order_actions
from haat.payments.forms import CodCollectedForm, RefundForm


def _back(number: str) -> HttpResponse:
    return redirect("orders:order_detail", number=number)


def _refund_lines(request: HttpRequest, order: Order) -> list[tuple[int, int]] | None:
    lines = []
    for line in order.lines.all():
        text = request.POST.get(f"qty_{line.pk}", "").strip()
        if not text or text == "0":
            continue
        if not text.isdigit():
            raise ValidationError(
                f"Quantity for {line.sku} must be a whole number.",
                details={"field": f"qty_{line.pk}"},
            )
        lines.append((line.pk, int(text)))
    return lines or None


@require_POST
@require_perm(Perm.REFUNDS_CREATE)
def order_refund(request: HttpRequest, number: str) -> HttpResponse:
    form = RefundForm(request.POST)
    try:
        order = order_by_number(number)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ValidationError(f"{field}: {errors[0]}", details={"field": field})
        data = form.cleaned_data
        amount = Money.from_decimal(data["amount"], order.currency_id) if data["amount"] else None
        refund = order_actions.refund(
            order=order,
            amount=amount,
            lines=_refund_lines(request, order) if amount is None else None,
            reason=data["reason"],
            idempotency_key=data["idempotency_key"],
            method=data["method"],
            reference=data["reference"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.code == OrderError.ORDER_NOT_FOUND:
            return redirect("orders:order_list")
        return _back(number)
    messages.success(
        request,
        f"Refund of {refund.money.format(settings.HAAT_LOCALE)} recorded "
        f"({refund.get_status_display().lower()}).",
    )
    return _back(order.number)


@require_POST
@require_perm(Perm.PAYMENTS_MANAGE)
def order_cod_collected(request: HttpRequest, number: str) -> HttpResponse:
    form = CodCollectedForm(request.POST)
    try:
        order = order_by_number(number)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ValidationError(f"{field}: {errors[0]}", details={"field": field})
        amount = Money.from_decimal(form.cleaned_data["amount"], order.currency_id)
        _, created = order_actions.collect_cod(
            order=order, amount=amount, reference=form.cleaned_data["reference"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.code == OrderError.ORDER_NOT_FOUND:
            return redirect("orders:order_list")
        return _back(number)
    if created:
        shown = amount.format(settings.HAAT_LOCALE)
        messages.success(request, f"Cash collected on delivery: {shown}.")
    else:
        messages.warning(request, "This reference was recorded before; nothing changed.")
    return _back(order.number)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def order_line_availability(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    answer = request.POST.get("available", "")
    try:
        order = order_by_number(number)
        if answer not in ("yes", "no"):
            raise ValidationError(
                "Choose available or unavailable.", details={"field": "available"}
            )
        result = order_actions.confirm_line(order=order, line_id=line_id, available=answer == "yes")
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.code == OrderError.ORDER_NOT_FOUND:
            return redirect("orders:order_list")
        return _back(number)
    if result.outcome == "cancelled":
        messages.warning(request, f"Nothing could be sourced: {order.number} is cancelled.")
    elif result.outcome == "payment_requested":
        messages.success(request, f"All lines answered; payment link sent: {result.link_url}")
    else:
        messages.success(request, "Answer saved.")
    return _back(order.number)
