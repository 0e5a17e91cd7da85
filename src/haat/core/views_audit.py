"""Dashboard page for reading the audit log (filters update the table through htmx)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haat.accounts.roles import Perm
from haat.core.forms import AuditFilterForm
from haat.core.selectors import audit_entries, audit_filter_choices, audit_lines
from haat.dashboard.access import require_perm

PAGE_SIZE = 50


@require_GET
@require_perm(Perm.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    form.is_valid()
    page = Paginator(audit_entries(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "lines": audit_lines(page.object_list),
        "query": query.urlencode(),
    }
    if request.htmx and request.htmx.target == "audit-table":
        return render(request, "core/_audit_table.html", context)
    context.update(audit_filter_choices())
    return render(request, "core/audit_log.html", context)
