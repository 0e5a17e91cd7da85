"""Dashboard pages for orders: list with filters, detail with stock, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.dashboard.access import require_perm
from haat.orders import services
from haat.orders.forms import CancelForm, OrderFilterForm
from haat.orders.selectors import order_by_number, order_queryset, order_stock
from haat.orders.state import TRANSITIONS

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
    context = {
        "order": order,
        "lines": lines,
        "history": history,
        "first_status": history[0].from_status if history else order.get_status_display(),
        "addresses": [("Shipping", order.shipping_address), ("Billing", order.billing_address)],
        "stock": order_stock(order),
        "can_cancel": request.user.can(Perm.ORDERS_MANAGE)
        and "cancelled" in TRANSITIONS.get(order.status, ()),
        "cancel_form": CancelForm(),
    }
    return render(request, "orders/order_detail.html", context)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    form = CancelForm(request.POST)
    try:
        order = order_by_number(number)
        if not form.is_valid():
            messages.error(request, "The note is too long (500 characters at most).")
            return redirect("dashboard:order_detail", number=order.number)
        services.cancel_order(order=order, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return (
            redirect("dashboard:order_list")
            if exc.code == "order_not_found"
            else redirect("dashboard:order_detail", number=number)
        )
    messages.success(request, f"Order {order.number} cancelled; its stock is back on sale.")
    return redirect("dashboard:order_detail", number=order.number)
