"""Dashboard CSV import (all-or-nothing or partial, with a per-row report) and export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from haat.accounts.roles import Perm
from haat.catalog import csv_import, csv_io
from haat.catalog.forms import ImportForm
from haat.catalog.views import enabled_currencies
from haat.catalog.views_products import filtered_products
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import require_perm

FILTER_KEYS = ("q", "status", "category", "collection", "availability")


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm(Perm.CATALOG_IMPORT)
def catalog_import(request: HttpRequest) -> HttpResponse:
    """Upload form; on POST runs the import and shows the report (created, updated, errors)."""
    form = ImportForm(request.POST or None, request.FILES or None, initial={"mode": "all"})
    if request.method == "POST" and form.is_valid():
        partial = form.cleaned_data["mode"] == "partial"
        upload = form.cleaned_data["file"]
        try:
            report = csv_import.import_catalog_csv(file=upload, partial=partial)
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            if report.applied and not report.errors:
                messages.success(request, f"Imported {report.rows} rows.")
            elif report.applied:
                messages.warning(
                    request,
                    f"Imported the valid rows; {len(report.errors)} problem"
                    f"{'s' if len(report.errors) != 1 else ''} listed below.",
                )
            else:
                messages.error(request, "Nothing was imported: fix the rows below and try again.")
            return render(
                request,
                "catalog/import/report.html",
                {"report": report, "partial": partial, "filename": upload.name},
                status=200 if report.applied else 422,
            )
    return render(
        request,
        "catalog/import/page.html",
        {"form": form, "currencies": enabled_currencies()},
        status=422 if form.is_bound else 200,
    )


@require_perm(Perm.CATALOG_IMPORT)
def catalog_export(request: HttpRequest) -> HttpResponse:
    """The catalog as CSV, one row per variant; the product list's filters narrow it."""
    product_ids = None
    if any(request.GET.get(key) for key in FILTER_KEYS):
        currencies = enabled_currencies()
        qs, _ = filtered_products(request.GET, currencies[0] if currencies else "INR")
        product_ids = list(qs.order_by().values_list("pk", flat=True))
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = _csv_response(f"catalog-{stamp}.csv")
    csv_io.export_catalog_csv(out=response, product_ids=product_ids)
    return response


@require_perm(Perm.CATALOG_IMPORT)
def catalog_import_template(request: HttpRequest) -> HttpResponse:
    """Just the header row, with a price column pair per enabled currency."""
    response = _csv_response("catalog-template.csv")
    csv_io.export_catalog_csv(out=response, product_ids=[])
    return response
