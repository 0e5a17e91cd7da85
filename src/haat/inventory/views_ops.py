"""Dashboard stock operations: receive, adjust, transfer, bulk counts, CSV import, report.

Each page parses a form and calls one service; a failed operation changes nothing and
shows the service's message next to the field. Opened from the stock list with htmx,
the form renders as a modal fragment; without htmx it is a normal page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import require_perm
from haat.inventory import bulk, report, selectors, services
from haat.inventory.forms import (
    AdjustForm,
    ImportForm,
    ReceiveForm,
    ReportForm,
    TransferForm,
)
from haat.inventory.models import Location

OPERATIONS: dict[str, tuple[type, str]] = {
    "receive": (ReceiveForm, "Receive stock"),
    "adjust": (AdjustForm, "Adjust stock"),
    "transfer": (TransferForm, "Transfer stock"),
}


def _call(op: str, data: dict[str, Any]) -> None:
    if op == "receive":
        services.receive_stock(
            variant_id=data["variant"],
            location_id=data["location"],
            quantity=data["quantity"],
            note=data["note"],
            reference=data["reference"],
        )
    elif op == "adjust":
        services.adjust_stock(
            variant_id=data["variant"],
            location_id=data["location"],
            quantity=data["quantity"],
            reason=data["reason"],
            note=data["note"],
        )
    else:
        services.transfer_stock(
            variant_id=data["variant"],
            from_location_id=data["from_location"],
            to_location_id=data["to_location"],
            quantity=data["quantity"],
            note=data["note"],
        )


def _operation(request: HttpRequest, op: str) -> HttpResponse:
    form_class, title = OPERATIONS[op]
    variant_id = request.POST.get("variant") or request.GET.get("variant") or ""
    variant = (
        selectors.stock_queryset().filter(pk=int(variant_id)).first()
        if variant_id.isdigit() and len(variant_id) < 12
        else None
    )
    if variant is None:
        messages.error(request, "Pick a variant from the stock list first.")
        return redirect("inventory:stock_list")
    form = form_class(request.POST or None, initial={"variant": variant.pk})
    if request.method == "POST" and form.is_valid():
        try:
            _call(op, form.cleaned_data)
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            messages.success(request, f"{title}: {variant.sku} saved.")
            return redirect("inventory:variant_stock", pk=variant.pk)
    template = "inventory/_op_form.html" if request.htmx else "inventory/op_page.html"
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "op": op,
            "item": selectors.stock_item(variant),
            "action": reverse(f"inventory:stock_{op}"),
        },
        status=422 if form.errors else 200,
    )


@require_perm(Perm.INVENTORY_ADJUST)
def stock_receive(request: HttpRequest) -> HttpResponse:
    return _operation(request, "receive")


@require_perm(Perm.INVENTORY_ADJUST)
def stock_adjust(request: HttpRequest) -> HttpResponse:
    return _operation(request, "adjust")


@require_perm(Perm.INVENTORY_ADJUST)
def stock_transfer(request: HttpRequest) -> HttpResponse:
    return _operation(request, "transfer")


@require_perm(Perm.INVENTORY_ADJUST)
def stock_bulk(request: HttpRequest) -> HttpResponse:
    """Count sheet: a location and a filtered list of variants with a count box each.
    Only the boxes that were filled are applied, all or nothing."""
    locations = list(Location.objects.filter(is_active=True))
    code = request.POST.get("location") or request.GET.get("location") or ""
    location = next(
        (loc for loc in locations if loc.code == code), locations[0] if locations else None
    )
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    variants = list(selectors.stock_queryset(q=q, location_id=None)[:100])
    if request.method == "POST" and location is not None:
        rows = [
            {
                "sku": v.sku,
                "location": location.code,
                "on_hand": request.POST.get(f"count-{v.pk}", "").strip(),
            }
            for v in variants
            if request.POST.get(f"count-{v.pk}", "").strip()
        ]
        try:
            result = bulk.set_counts(rows=rows, note=request.POST.get("note", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _report_page(request, result, "Bulk update")
    sheet = []
    for v in variants:
        level = next(
            (lvl for lvl in v.stock_levels.all() if location and lvl.location_id == location.pk),
            None,
        )
        sheet.append({"variant": v, "on_hand": level.on_hand if level else 0})
    return render(
        request,
        "inventory/bulk.html",
        {
            "locations": locations,
            "location": location,
            "q": q,
            "sheet": sheet,
            "import_form": ImportForm(),
        },
    )


def _report_page(request: HttpRequest, result: bulk.BulkReport, title: str) -> HttpResponse:
    if result.applied:
        messages.success(request, f"{title}: {result.updated} count(s) changed.")
    else:
        messages.error(request, f"{title}: nothing changed; fix the rows marked below.")
    return render(
        request,
        "inventory/bulk_report.html",
        {"report": result, "title": title},
        status=200 if result.applied else 422,
    )


@require_perm(Perm.INVENTORY_ADJUST)
def stock_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", "The file is larger than 5 MB.")
        else:
            try:
                result = bulk.import_csv(file=upload, note=form.cleaned_data["note"])
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                return _report_page(request, result, "CSV import")
    return render(
        request, "inventory/import.html", {"form": form}, status=422 if form.errors else 200
    )


@require_perm(Perm.INVENTORY_VIEW)
def stock_report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    if request.GET and form.is_valid():
        day = form.cleaned_data["date"]
        try:
            day = report.parse_report_date(day.isoformat() if day else "")
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="inventory-{day.isoformat()}.csv"'
            )
            report.write_report(out=response, day=day)
            return response
    return render(request, "inventory/report.html", {"form": form})
