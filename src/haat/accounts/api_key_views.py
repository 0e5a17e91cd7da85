"""Dashboard pages for API keys. A new secret key is shown once, in the response to the
POST that created it, and never stored; publishable keys are shown in the list (with a copy
button) whenever needed. See `api_keys` for why."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from haat.accounts import selectors
from haat.accounts.api_keys import create_api_key, replace_publishable_key, revoke_api_key
from haat.accounts.forms import ApiKeyCreateForm
from haat.accounts.roles import Perm
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import get_or_404, require_perm


@require_perm(Perm.API_KEYS_MANAGE)
def api_key_list(request: HttpRequest) -> HttpResponse:
    keys = list(selectors.api_key_list())
    return render(request, "accounts/api_key_list.html", {"keys": keys})


@never_cache
@require_perm(Perm.API_KEYS_MANAGE)
def api_key_create(request: HttpRequest) -> HttpResponse:
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = create_api_key(**form.cleaned_data, created_by=request.user)
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            return render(
                request,
                "accounts/api_key_created.html",
                {"key": issued.api_key, "plaintext": issued.plaintext},
            )
    return render(request, "accounts/api_key_form.html", {"form": form})


@require_perm(Perm.API_KEYS_MANAGE)
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes (at once, for every caller using it)."""
    key = get_or_404(selectors.get_api_key, key_id)
    if request.method == "POST":
        revoke_api_key(key_id=key.pk)
        messages.success(request, f"Revoked {key.name} ({key.prefix}…). It stops working now.")
        return redirect("accounts:api_key_list")
    return render(request, "accounts/api_key_revoke.html", {"key": key})


@never_cache
@require_perm(Perm.API_KEYS_MANAGE)
def api_key_replace(request: HttpRequest, key_id: int) -> HttpResponse:
    """GET explains; POST makes a readable publishable key under the same name."""
    key = get_or_404(selectors.get_api_key, key_id)
    if not key.unreadable or key.revoked_at is not None:
        messages.info(request, f"{key.name} can be copied from the list; nothing to replace.")
        return redirect("accounts:api_key_list")
    if request.method == "POST":
        issued = replace_publishable_key(key_id=key.pk, created_by=request.user)
        return render(
            request,
            "accounts/api_key_created.html",
            {"key": issued.api_key, "plaintext": issued.plaintext, "replaced": key},
        )
    return render(request, "accounts/api_key_replace.html", {"key": key})
