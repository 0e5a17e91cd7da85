"""Dashboard page for currencies: enable, disable, default, display order (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haat.accounts.roles import Perm
from haat.core import currencies
from haat.core.errors import DomainError
from haat.dashboard.access import require_perm

SEARCH_LIMIT = 20


def _panel(request: HttpRequest, *, clear_search: bool = False) -> HttpResponse:
    """The enabled-currencies table (htmx target) or, without htmx, the whole page."""
    if not request.htmx:
        return redirect("core:currency_list")
    return render(
        request,
        "core/_currency_panel.html",
        {
            "enabled": currencies.enabled_currencies(),
            "can_manage": request.user.can(Perm.CURRENCIES_MANAGE),
            "oob_messages": True,
            "clear_search": clear_search,
        },
    )


@require_GET
@require_perm(Perm.CATALOG_VIEW)
def currency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/currency_list.html",
        {
            "enabled": currencies.enabled_currencies(),
            "can_manage": request.user.can(Perm.CURRENCIES_MANAGE),
        },
    )


@require_GET
@require_perm(Perm.CURRENCIES_MANAGE)
def currency_search(request: HttpRequest) -> HttpResponse:
    """Disabled ISO currencies matching `q`, each with an Enable button."""
    q = request.GET.get("q", "").strip()[:100]
    results = list(currencies.list_currencies(enabled=False, q=q)[:SEARCH_LIMIT]) if q else []
    return render(request, "core/_currency_search.html", {"results": results, "q": q})


_ACTIONS = {
    "enable": (currencies.enable_currency, "{code} is now enabled."),
    "disable": (currencies.disable_currency, "{code} is now disabled."),
    "default": (currencies.set_default_currency, "{code} is now the default currency."),
}


@require_POST
@require_perm(Perm.CURRENCIES_MANAGE)
def currency_update(request: HttpRequest, code: str) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in _ACTIONS:
        messages.error(request, "Unknown action.")
        return _panel(request)
    service, done = _ACTIONS[action]
    try:
        currency = service(code=code)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(code=currency.code))
    return _panel(request, clear_search=action == "enable")


@require_POST
@require_perm(Perm.CURRENCIES_MANAGE)
def currency_reorder(request: HttpRequest) -> HttpResponse:
    """Save the order typed into the table: `order-<CODE>=<position>` for each row."""
    positions: list[tuple[int, int, str]] = []
    for index, (key, value) in enumerate(request.POST.items()):
        if not key.startswith("order-"):
            continue
        code = key.removeprefix("order-")
        try:
            positions.append((int(value), index, code))
        except ValueError:
            messages.error(request, f"Position for {code} must be a whole number.")
            return _panel(request)
    try:
        currencies.set_display_order(codes=[code for _, _, code in sorted(positions)])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Display order saved.")
    return _panel(request)
