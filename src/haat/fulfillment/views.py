"""The order page's shipment actions (create a shipment, move one), as `fulfillment:`
under /dashboard/orders/<number>/shipments/. Parse the form, call the service, show
`DomainError.message` on failure; no rules here."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.dashboard.access import require_perm
from haat.fulfillment import services
from haat.fulfillment.models import Shipment
from haat.orders.selectors import order_by_number


def _back(number: str) -> HttpResponse:
    return redirect("orders:order_detail", number=number)


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def shipment_create(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_by_number(number)
        lines = [
            services.LineQuantity(int(key.removeprefix("qty_")), qty)
            for key in request.POST
            if key.startswith("qty_") and key[4:].isdigit()
            if (qty := _int(request.POST[key]))
        ]
        raw_date = request.POST.get("estimated_delivery", "").strip()
        try:
            eta = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            eta = None
        shipment = services.create_shipment(
            order=order,
            courier_code=request.POST.get("courier", ""),
            awb=request.POST.get("awb", ""),
            lines=lines,
            parcel=services.Parcel(weight_grams=_int(request.POST.get("weight_grams"))),
            estimated_delivery=eta,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(number)
    messages.success(
        request, f"Shipment {shipment.courier.name} {shipment.awb} created for {order.number}."
    )
    return _back(order.number)


@require_POST
@require_perm(Perm.ORDERS_MANAGE)
def shipment_status(request: HttpRequest, number: str, shipment_id: int) -> HttpResponse:
    to = request.POST.get("status", "")
    try:
        order = order_by_number(number)
        shipment = services.move_shipment(
            order=order, shipment_id=shipment_id, to=to, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(number)
    label = Shipment.Status(to).label.lower()
    messages.success(request, f"Shipment {shipment.awb} is now {label}.")
    return _back(order.number)
