"""Dashboard pages for orders: list with filters, detail with stock and money, cancel.
The money actions on the order page (refunds, cash collected on delivery, reserve & pay
availability) are payments' pages (`payments/order_views.py`). Parse the form, call the
service, show `DomainError.message` on failure; no rules here."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.core.selectors import activity_for
from haat.dashboard.access import require_perm
from haat.orders import callbacks, lifecycle, notes, state
from haat.orders.forms import CancelForm, OrderFilterForm
from haat.orders.models import Order
from haat.orders.selectors import (
    cancel_preview,
    order_by_number,
    order_gst,
    order_queryset,
    order_stock,
)
from haat.orders.state import can_transition
from haat.orders.timeline import order_timeline

PAGE_SIZE = 50
MOVE_LABELS = {Order.Status.PROCESSING: "Mark processing", Order.Status.PACKED: "Mark packed"}


@require_GET
@require_perm(Perm.ORDERS_VIEW)
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    page = Paginator(order_queryset(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_see_customers": request.user.can(Perm.CUSTOMERS_VIEW),
    }
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
    history = list(order.transitions.select_related("actor"))
    cash = callbacks.order_money(order)
    user = request.user
    manage = user.can(Perm.ORDERS_MANAGE)
    context = {
        "timeline": order_timeline(order, money=cash),
        "fulfilment_panel": callbacks.fulfilment_panel(request, order),
        "moves": [
            (to, MOVE_LABELS[to])
            for to in sorted(state.STAFF_MOVES)
            if manage and can_transition(order.status, to)
        ],
        "can_note": manage,
        "customer_status": state.CUSTOMER.get(order.status),
        "order": order,
        "lines": lines,
        "history": history,
        "first_status": history[0].from_status if history else order.get_status_display(),
        "addresses": [("Shipping", order.shipping_address), ("Billing", order.billing_address)],
        "stock": order_stock(order),
        "activity": activity_for([("orders.order", order.pk)]),
        "can_audit": user.can(Perm.AUDIT_VIEW),
        "money": cash,
        "balance": order.balance_due.amount,
        "can_cancel": user.can(Perm.ORDERS_MANAGE)
        and can_transition(order.status, Order.Status.CANCELLED),
        "can_refund": user.can(Perm.REFUNDS_CREATE) and cash.refundable > 0,
        "refund_key": secrets.token_urlsafe(18),
        "can_collect": user.can(Perm.PAYMENTS_MANAGE) and cash.can_collect,
        "can_confirm_lines": user.can(Perm.ORDERS_MANAGE)
        and order.status == Order.Status.PENDING_CONFIRMATION,
        "can_see_customer": user.can(Perm.CUSTOMERS_VIEW),
        "gst": order_gst(order, lines),
    }
    return render(request, "orders/order_detail.html", context)


def _back(number: str) -> HttpResponse:
    return redirect("orders:order_detail", number=number)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.ORDERS_MANAGE)
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """GET: the confirmation step, saying what cancelling does (stock back on sale, what
    was paid and must be refunded, what is no longer due). POST: cancel."""
    try:
        order = order_by_number(number)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:order_list")
    if request.method == "GET" and not can_transition(order.status, Order.Status.CANCELLED):
        status = order.get_status_display().lower()
        messages.error(request, f"Order {order.number} is {status}; it cannot be cancelled.")
        return _back(order.number)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.cancel(order=order, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(order.number)
        messages.success(request, f"Order {order.number} cancelled; its stock is back on sale.")
        return _back(order.number)
    context = {"order": order, "form": form, "preview": cancel_preview(order)}
    status = 422 if request.method == "POST" else 200
    return render(request, "orders/order_cancel.html", context, status=status)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def order_advance(request: HttpRequest, number: str) -> HttpResponse:
    """Mark the order processing or packed (the warehouse steps)."""
    try:
        order = order_by_number(number)
        lifecycle.advance(
            order=order, to=request.POST.get("status", ""), note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(number)
    messages.success(request, f"Order {order.number} is now {order.get_status_display().lower()}.")
    return _back(order.number)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def order_note(request: HttpRequest, number: str) -> HttpResponse:
    """Add an internal or customer-visible note."""
    try:
        order = order_by_number(number)
        note = notes.add_note(
            order=order,
            text=request.POST.get("text", ""),
            visibility=request.POST.get("visibility", "internal"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(number)
    where = "shown to the customer" if note.visibility == "customer" else "for staff only"
    messages.success(request, f"Note added, {where}.")
    return _back(order.number)
