"""The E-mail log page: every e-mail Haat sent to staff, failures first to the eye."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haat.accounts import selectors
from haat.accounts.roles import Perm
from haat.core.mail_delivery import delivery_summary, kept_locally
from haat.dashboard.access import require_perm

PAGE_SIZE = 50


@require_perm(Perm.AUDIT_VIEW)
def email_log(request: HttpRequest) -> HttpResponse:
    failed_only = request.GET.get("status") == "failed"
    page = Paginator(selectors.staff_email_log(failed_only=failed_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/email_log.html",
        {
            "page": page,
            "failed_only": failed_only,
            "delivery": delivery_summary(),
            "kept_locally": kept_locally(),
            "production": settings.PRODUCTION,
            "failed_recently": selectors.failed_staff_emails(),
        },
    )
