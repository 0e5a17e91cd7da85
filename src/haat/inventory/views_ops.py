"""Dashboard stock operations: receive, adjust, transfer, bulk counts, CSV import, report.

Each page parses a form and calls one service; a failed operation changes nothing and
shows the service's message next to the field. Opened from the stock list with htmx,
the form renders as a dialog and posts back into it: a refused form comes back as the
dialog with its errors (422, which the dashboard's htmx config swaps), a saved one
reloads the list. Without htmx it is a normal page.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from haat.accounts.roles import Perm
from haat.catalog.models import Variant
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
from haat.inventory.ledger import MAX_QUANTITY
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
        return _leave(request, reverse("inventory:stock_list"))
    form = form_class(request.POST or None, initial={"variant": variant.pk})
    if request.method == "POST" and form.is_valid():
        try:
            _call(op, form.cleaned_data)
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            messages.success(request, f"{title}: {variant.sku} saved.")
            if request.htmx:
                # The dialog sat over the stock list: reload it to show the new figures.
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
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


def _leave(request: HttpRequest, url: str) -> HttpResponse:
    """Go to `url`: a whole-page move even when asked from a dialog (htmx would otherwise
    swap the next page into the dialog)."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@require_perm(Perm.INVENTORY_ADJUST)
def stock_receive(request: HttpRequest) -> HttpResponse:
    return _operation(request, "receive")


@require_perm(Perm.INVENTORY_ADJUST)
def stock_adjust(request: HttpRequest) -> HttpResponse:
    return _operation(request, "adjust")


@require_perm(Perm.INVENTORY_ADJUST)
def stock_transfer(request: HttpRequest) -> HttpResponse:
    return _operation(request, "transfer")


BULK_PAGE_SIZE = 100
_COUNT_KEY = re.compile(r"^count-(\d{1,11})$")


def _posted_counts(post: Any, location: Location) -> list[dict[str, str]]:
    """Every filled `count-<variant id>` box of the post, whichever page it came from:
    the sheet is paged, so the rows applied are the ones posted, not the first page's."""
    filled = {
        int(m.group(1)): value.strip()
        for key, value in post.items()
        if (m := _COUNT_KEY.match(key)) and value.strip()
    }
    skus = dict(Variant.objects.filter(pk__in=filled).values_list("pk", "sku"))
    return [
        {"sku": skus.get(pk, f"#{pk}"), "location": location.code, "on_hand": value}
        for pk, value in filled.items()
    ]


@require_perm(Perm.INVENTORY_ADJUST)
def stock_bulk(request: HttpRequest) -> HttpResponse:
    """Count sheet: a location and a filtered, paged list of variants with a count box
    each. Only the boxes that were filled are applied, all or nothing."""
    locations = list(Location.objects.filter(is_active=True))
    code = request.POST.get("location") or request.GET.get("location") or ""
    location = next(
        (loc for loc in locations if loc.code == code), locations[0] if locations else None
    )
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    if request.method == "POST" and location is not None:
        rows = _posted_counts(request.POST, location)
        try:
            result = bulk.set_counts(rows=rows, note=request.POST.get("note", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return _report_page(request, result, "Bulk update")
    page = Paginator(selectors.stock_queryset(q=q, location_id=None), BULK_PAGE_SIZE).get_page(
        request.POST.get("page") or request.GET.get("page")
    )
    sheet = []
    for v in page:
        level = next(
            (lvl for lvl in v.stock_levels.all() if location and lvl.location_id == location.pk),
            None,
        )
        sheet.append({"variant": v, "on_hand": level.on_hand if level else 0})
    params = QueryDict(mutable=True)
    params.update({k: v for k, v in {"location": code, "q": q}.items() if v})
    return render(
        request,
        "inventory/bulk.html",
        {
            "locations": locations,
            "location": location,
            "q": q,
            "sheet": sheet,
            "page": page,
            "query": params.urlencode(),
            "import_form": ImportForm(),
            "max_quantity": MAX_QUANTITY,
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
