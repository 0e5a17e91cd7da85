"""Dashboard pages for orders: list with filters, detail with stock and money, cancel,
refunds, cash collected on delivery, reserve & pay availability. Parse the form, call the
service, show `DomainError.message` on failure; no rules here."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError, ValidationError
from haat.core.money import Money
from haat.dashboard.access import require_perm
from haat.orders import money, services
from haat.orders.forms import CancelForm, CodCollectedForm, OrderFilterForm, RefundForm
from haat.orders.models import Order
from haat.orders.selectors import order_by_number, order_money, order_queryset, order_stock
from haat.orders.state import can_transition
from haat.payments.cod import can_collect

PAGE_SIZE = 50


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    page = Paginator(order_queryset(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if request.htmx and request.htmx.target == "order-table":
        return render(request, "orders/_order_table.html", context)
    return render(request, "orders/order_list.html", context)


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_by_number(number)
    except DomainError as exc:
        return render(request, "orders/not_found.html", {"message": exc.message}, status=404)
    lines = list(order.lines.all())
    history = list(order.transitions.all())
    cash = order_money(order)
    user = request.user
    context = {
        "order": order,
        "lines": lines,
        "history": history,
        "first_status": history[0].from_status if history else order.get_status_display(),
        "addresses": [("Shipping", order.shipping_address), ("Billing", order.billing_address)],
        "stock": order_stock(order),
        "money": cash,
        "balance": order.balance_due.amount,
        "can_cancel": user.can(Perm.ORDERS_MANAGE)
        and can_transition(order.status, Order.Status.CANCELLED),
        "cancel_form": CancelForm(),
        "can_refund": user.can(Perm.REFUNDS_CREATE) and cash.refundable > 0,
        "refund_key": secrets.token_urlsafe(18),
        "can_collect": user.can(Perm.PAYMENTS_MANAGE) and can_collect(order),
        "can_confirm_lines": user.can(Perm.ORDERS_MANAGE)
        and order.status == Order.Status.PENDING_CONFIRMATION,
    }
    return render(request, "orders/order_detail.html", context)


def _back(number: str) -> HttpResponse:
    return redirect("orders:order_detail", number=number)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    form = CancelForm(request.POST)
    try:
        order = order_by_number(number)
        if not form.is_valid():
            messages.error(request, "The note is too long (500 characters at most).")
            return _back(order.number)
        services.cancel_order(order=order, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:order_list") if exc.code == "order_not_found" else _back(number)
    messages.success(request, f"Order {order.number} cancelled; its stock is back on sale.")
    return _back(order.number)


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
        refund = money.refund(
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
        return redirect("orders:order_list") if exc.code == "order_not_found" else _back(number)
    messages.success(request, f"Refund of {refund.money} recorded ({refund.get_status_display()}).")
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
        _, created = money.collect_cod(
            order=order, amount=amount, reference=form.cleaned_data["reference"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:order_list") if exc.code == "order_not_found" else _back(number)
    if created:
        messages.success(request, f"Cash collected on delivery: {amount}.")
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
        result = money.confirm_line(order=order, line_id=line_id, available=answer == "yes")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:order_list") if exc.code == "order_not_found" else _back(number)
    if result.outcome == "cancelled":
        messages.warning(request, f"Nothing could be sourced: {order.number} is cancelled.")
    elif result.outcome == "payment_requested":
        messages.success(request, f"All lines answered; payment link sent: {result.link_url}")
    else:
        messages.success(request, "Answer saved.")
    return _back(order.number)
