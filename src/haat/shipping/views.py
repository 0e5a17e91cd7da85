"""Shipping pages of the dashboard: zones with their rates in words, one zone's settings
and rates, the serviceable PIN list with its CSV upload, the Shiprocket connection.
Everyone who sees orders may read them; changes need SHIPPING_MANAGE."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from haat.accounts.roles import Perm
from haat.catalog.pricing import enabled_currency_codes
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import forbidden, require_perm
from haat.shipping import pins, selectors, services, shiprocket
from haat.shipping.forms import (
    PinUploadForm,
    RateForm,
    ShiprocketForm,
    ZoneForm,
    initial_for,
    rate_initial,
)
from haat.shipping.models import Rate, ServiceablePin, Zone

PIN_PAGE_SIZE = 50


def _rates_in_order(zone: Zone) -> list[Rate]:
    """Per currency, standard before express."""
    return sorted(zone.rates.all(), key=lambda r: (r.currency_id, r.service != "standard"))


def _zone_rows(zones: list) -> list[dict]:
    return [
        {
            "zone": z,
            "where": selectors.where_text(z),
            "rates": [
                {"rate": r, "price": selectors.price_text(r), "terms": selectors.conditions_text(r)}
                for r in _rates_in_order(z)
            ],
        }
        for z in zones
    ]


@require_perm(Perm.ORDERS_VIEW)
def zone_list(request: HttpRequest) -> HttpResponse:
    can_manage = request.user.can(Perm.SHIPPING_MANAGE)
    form = ZoneForm(initial={"priority": 100, "cod_allowed": True, "is_active": True,
                             "business_days_only": True, "cutoff_time": "14:00"})  # fmt: skip
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, Perm.SHIPPING_MANAGE)
        form = ZoneForm(request.POST)
        if form.is_valid():
            try:
                zone = services.create_zone(**form.values())
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, f"Zone {zone.name} added. Now give it its rates.")
                return redirect("shipping:zone_edit", zone.pk)
    return render(
        request,
        "shipping/zones.html",
        {
            "rows": _zone_rows(list(selectors.zones())),
            "form": form,
            "can_manage": can_manage,
            "pin_count": ServiceablePin.objects.count(),
            "shiprocket_on": shiprocket.account() is not None,
        },
    )


@require_perm(Perm.ORDERS_VIEW)
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = get_object_or_404(selectors.zones(), pk=pk)
    can_manage = request.user.can(Perm.SHIPPING_MANAGE)
    currencies = enabled_currency_codes()
    form = ZoneForm(initial=initial_for(zone))
    editing = next((r for r in zone.rates.all() if str(r.pk) == request.GET.get("rate")), None)
    rate_form = RateForm(
        currencies=currencies,
        initial=rate_initial(editing) if editing else {"days_min": 3, "days_max": 5},
    )
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, Perm.SHIPPING_MANAGE)
        action = request.POST.get("action", "zone")
        if action == "delete":
            services.delete_zone(zone=zone)
            messages.success(request, f"Zone {zone.name} deleted.")
            return redirect("shipping:zone_list")
        if action == "delete_rate":
            rate = get_object_or_404(Rate, zone=zone, pk=request.POST.get("rate") or 0)
            services.delete_rate(rate=rate)
            messages.success(
                request, f"{rate.get_service_display()} in {rate.currency_id} removed."
            )
            return redirect("shipping:zone_edit", zone.pk)
        if action == "rate":
            rate_form = RateForm(request.POST, currencies=currencies)
            values = rate_form.values() if rate_form.is_valid() else None
            if values is not None:
                try:
                    services.set_rate(zone=zone, **values)
                except DomainError as exc:
                    attach_domain_error(rate_form, exc)
                else:
                    messages.success(request, f"Rate saved for {zone.name}.")
                    return redirect("shipping:zone_edit", zone.pk)
        else:
            form = ZoneForm(request.POST)
            if form.is_valid():
                try:
                    services.update_zone(zone=zone, **form.values())
                except DomainError as exc:
                    attach_domain_error(form, exc)
                else:
                    messages.success(request, f"Zone {zone.name} saved.")
                    return redirect("shipping:zone_edit", zone.pk)
    return render(
        request,
        "shipping/zone_edit.html",
        {
            "zone": zone,
            "row": _zone_rows([zone])[0],
            "form": form,
            "rate_form": rate_form,
            "can_manage": can_manage,
        },
    )


@require_perm(Perm.ORDERS_VIEW)
def pin_list(request: HttpRequest) -> HttpResponse:
    can_manage = request.user.can(Perm.SHIPPING_MANAGE)
    form = PinUploadForm()
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, Perm.SHIPPING_MANAGE)
        form = PinUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = pins.import_csv(file=form.cleaned_data["file"])
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    f"PIN codes uploaded: {result.added:,} added, {result.updated:,} changed, "
                    f"{result.removed:,} removed, {result.unchanged:,} already up to date.",
                )
                return redirect("shipping:pin_list")
    q = "".join(ch for ch in request.GET.get("q", "") if ch.isdigit())[:6]
    page = Paginator(selectors.pins(q), PIN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "shipping/pins.html",
        {"page": page, "q": q, "form": form, "can_manage": can_manage},
    )


@require_perm(Perm.SHIPPING_MANAGE)
def shiprocket_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.shiprocket_json()
    form = ShiprocketForm(initial=current)
    if request.method == "POST":
        form = ShiprocketForm(request.POST)
        if request.POST.get("action") == "test":
            try:
                shiprocket.test_connection()
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Shiprocket accepted the API user.")
            return redirect("shipping:shiprocket")
        if form.is_valid():
            try:
                shiprocket.save_account(**form.cleaned_data)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, "Shiprocket connection saved.")
                return redirect("shipping:shiprocket")
    return render(
        request, "shipping/shiprocket.html", {"form": form, "current": current, "can_manage": True}
    )
