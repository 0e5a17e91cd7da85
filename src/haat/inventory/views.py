"""Inventory dashboard pages: stock overview, low stock, a variant's history, locations.

Reads come from selectors (a fixed number of queries per page); writes go through
services and a DomainError is shown next to its field. Stock operations (receive,
adjust, transfer, bulk, import, report) are in `views_ops.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from haat.accounts.roles import Perm
from haat.catalog.models import Category
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import forbidden, require_perm
from haat.inventory import backorders, locations, selectors, services
from haat.inventory.forms import BackorderForm, LocationForm, ThresholdForm
from haat.inventory.models import BackorderMovement, BackorderPolicy, Location

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@require_perm(Perm.INVENTORY_VIEW)
def stock_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "location_id": _int(request.GET.get("location")),
        "category_id": _int(request.GET.get("category")),
        "state": request.GET.get("state", "") if request.GET.get("state") in ("low", "out") else "",
    }
    page = Paginator(selectors.stock_queryset(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "inventory/stock_list.html",
        {
            "page": page,
            "rows": [selectors.stock_item(v) for v in page],
            "filters": filters,
            "query": params.urlencode(),
            "locations": list(Location.objects.all()),
            "categories": list(Category.objects.values_list("pk", "name")),
            "can_adjust": request.user.can(Perm.INVENTORY_ADJUST),
        },
    )


@require_perm(Perm.INVENTORY_VIEW)
def low_stock(request: HttpRequest) -> HttpResponse:
    """Low (at or below threshold) and out-of-stock variants, listed separately."""
    low = [selectors.stock_item(v) for v in selectors.low_stock_queryset()[:200]]
    out = [selectors.stock_item(v) for v in selectors.out_of_stock_queryset()[:200]]
    return render(request, "inventory/low_stock.html", {"low": low, "out": out})


@require_perm(Perm.INVENTORY_VIEW)
def variant_stock(
    request: HttpRequest, pk: int, backorder_form: BackorderForm | None = None
) -> HttpResponse:
    """One variant: levels per location, active holds, threshold, selling beyond stock
    and the ledger."""
    variant = selectors.stock_queryset().filter(pk=pk).first()
    if variant is None:
        raise Http404("No such variant.")
    form = ThresholdForm(initial={"threshold": getattr(variant, "threshold", None)})
    policy = BackorderPolicy.objects.filter(variant_id=pk).first()
    if request.method == "POST" and backorder_form is None:
        if not request.user.can(Perm.INVENTORY_ADJUST):
            return forbidden(request, Perm.INVENTORY_ADJUST)
        form = ThresholdForm(request.POST)
        if form.is_valid():
            try:
                services.set_low_stock_threshold(
                    variant_id=pk, threshold=form.cleaned_data["threshold"]
                )
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, "Low-stock threshold saved.")
                return redirect("inventory:variant_stock", pk=pk)
    movements = Paginator(selectors.movements_queryset(pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    movements.object_list = selectors.link_references(list(movements.object_list))
    return render(
        request,
        "inventory/variant_stock.html",
        {
            "variant": variant,
            "item": selectors.stock_item(variant),
            "movements": movements,
            "holds": selectors.holds_in_words(variant_id=pk),
            "form": form,
            "can_adjust": request.user.can(Perm.INVENTORY_ADJUST),
            "policy": policy,
            "backorder_form": backorder_form or BackorderForm(initial=_policy_initial(policy)),
            "backorder_movements": list(
                BackorderMovement.objects.filter(variant_id=pk).order_by("-created_at", "-id")[:20]
            ),
        },
    )


def _policy_initial(policy: BackorderPolicy | None) -> dict[str, object]:
    if policy is None:
        return {"mode": BackorderPolicy.Mode.PRE_ORDER}
    return {
        "mode": policy.mode,
        "cap": policy.cap,
        "ships_on": policy.ships_on,
        "ships_in_days": policy.ships_in_days,
    }


@require_perm(Perm.INVENTORY_ADJUST)
def variant_backorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Save or stop selling a variant beyond stock (the form on its stock page)."""
    if request.method != "POST":
        return redirect("inventory:variant_stock", pk=pk)
    if request.POST.get("action") == "stop":
        try:
            backorders.remove_policy(variant_id=pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "No longer sold beyond stock.")
        return redirect("inventory:variant_stock", pk=pk)
    form = BackorderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            backorders.set_policy(
                variant_id=pk,
                mode=data["mode"],
                cap=data["cap"],
                ships_on=data["ships_on"],
                ships_in_days=data["ships_in_days"],
            )
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            messages.success(request, "Selling beyond stock saved.")
            return redirect("inventory:variant_stock", pk=pk)
    return variant_stock(request, pk, backorder_form=form)


@require_perm(Perm.INVENTORY_VIEW)
def location_list(request: HttpRequest) -> HttpResponse:
    can_adjust = request.user.can(Perm.INVENTORY_ADJUST)
    form = LocationForm(initial={"is_active": True, "priority": 100})
    if request.method == "POST":
        if not can_adjust:
            return forbidden(request, Perm.INVENTORY_ADJUST)
        form = LocationForm(request.POST)
        if form.is_valid():
            try:
                loc = locations.create_location(**form.cleaned_data)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, f"Location {loc.code} added.")
                return redirect("inventory:location_list")
    return render(
        request,
        "inventory/locations.html",
        {"locations": Location.objects.all(), "form": form, "can_adjust": can_adjust},
    )


@require_perm(Perm.INVENTORY_ADJUST)
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=pk)
    fields = ("name", "code", "kind", "priority", "is_active")
    form = LocationForm(request.POST or None, initial={f: getattr(location, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            locations.update_location(location=location, **form.cleaned_data)
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            messages.success(request, f"Location {location.code} saved.")
            return redirect("inventory:location_list")
    return render(request, "inventory/location_edit.html", {"location": location, "form": form})
