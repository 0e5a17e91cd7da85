from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haat.accounts.roles import Perm
from haat.dashboard.access import require_perm


@require_perm(Perm.ORDERS_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "loyalty/overview.html")


def card(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse(f"Loyalty card {code}")
