"""Dashboard page for the store's details (name, legal name, logo, address, GSTIN, support
contacts, time zone)."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from haat.accounts.roles import Perm
from haat.core import store
from haat.core.errors import DomainError
from haat.core.forms import StoreDetailsForm, attach_domain_error
from haat.core.india import INDIAN_STATES
from haat.dashboard.access import require_perm


@require_http_methods(["GET", "POST"])
@require_perm(Perm.STORE_MANAGE)
def store_details(request: HttpRequest) -> HttpResponse:
    current = store.store()
    form = StoreDetailsForm(request.POST or None, request.FILES or None, initial=asdict(current))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            logo, remove_logo = data.pop("logo"), data.pop("remove_logo")
            try:
                store.update_store(data=data, logo=logo, remove_logo=remove_logo)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, "Store details saved.")
                return redirect("core:store_details")
        status = 422
    context = {
        "form": form,
        "store": current,
        "states": sorted(INDIAN_STATES.values()),
        "time_zones": store.time_zones(),
    }
    return render(request, "core/store_details.html", context, status=status)
