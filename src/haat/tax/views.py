"""The Tax (GST) settings page: whether prices include GST, the default rate, and the
rates of categories and products, picked by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haat.accounts.roles import Perm
from haat.core import store
from haat.core.errors import DomainError, ValidationError
from haat.dashboard.access import require_perm
from haat.tax import selectors, services


def _int(raw: str | None) -> int | str | None:
    """A posted whole number as an int; anything else is passed on for the service to
    refuse with its own message."""
    raw = (raw or "").strip()
    return int(raw) if raw.lstrip("-").isdigit() and len(raw) < 10 else raw


def _page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    details = store.store()
    context: dict[str, Any] = {
        "config": selectors.tax_config(),
        "slabs": selectors.SLAB_CHOICES,
        "category_rates": selectors.category_rates(),
        "product_rates": selectors.product_rates(),
        "categories": selectors.category_choices(),
        "store": details,
        "can_manage": request.user.can(Perm.TAX_MANAGE),
    }
    return render(request, "tax/tax_settings.html", context, status=status)


@require_GET
@require_perm(Perm.CATALOG_VIEW)
def tax_settings(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _apply(request: HttpRequest, action: Callable[[], str]) -> HttpResponse:
    try:
        done = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, status=422)
    messages.success(request, done)
    return redirect("tax:tax_settings")


@require_POST
@require_perm(Perm.TAX_MANAGE)
def save_settings(request: HttpRequest) -> HttpResponse:
    def action() -> str:
        services.update_tax_settings(
            prices_include_tax=request.POST.get("prices_include_tax") != "no",
            default_rate=_int(request.POST.get("default_rate")),  # type: ignore[arg-type]
            default_cess=request.POST.get("default_cess", "0"),
        )
        return "Tax settings saved."

    return _apply(request, action)


@require_POST
@require_perm(Perm.TAX_MANAGE)
def set_category_rate(request: HttpRequest) -> HttpResponse:
    def action() -> str:
        category_id = _int(request.POST.get("category"))
        if not isinstance(category_id, int):
            raise ValidationError("Choose a category.", details={"field": "category"})
        row = services.set_category_rate(
            category_id=category_id,
            rate=_int(request.POST.get("rate")),  # type: ignore[arg-type]
            cess=request.POST.get("cess", "0"),
        )
        name = selectors.category_paths().get(category_id, "The category")
        return f"{name}: {selectors.rate_label(row.rate, row.cess)}."

    return _apply(request, action)


@require_POST
@require_perm(Perm.TAX_MANAGE)
def clear_category_rate(request: HttpRequest, category_id: int) -> HttpResponse:
    def action() -> str:
        services.clear_category_rate(category_id=category_id)
        name = selectors.category_paths().get(category_id, "The category")
        return f"{name} now takes its parent's rate or the default."

    return _apply(request, action)


@require_POST
@require_perm(Perm.TAX_MANAGE)
def set_product_rate(request: HttpRequest, product_id: int) -> HttpResponse:
    def action() -> str:
        row = services.set_product_rate(
            product_id=product_id,
            rate=_int(request.POST.get("rate")),  # type: ignore[arg-type]
            cess=request.POST.get("cess", "0"),
        )
        return f"{row.product.title}: {selectors.rate_label(row.rate, row.cess)}."

    return _apply(request, action)


@require_POST
@require_perm(Perm.TAX_MANAGE)
def clear_product_rate(request: HttpRequest, product_id: int) -> HttpResponse:
    def action() -> str:
        services.clear_product_rate(product_id=product_id)
        return "The product now takes its categories' rate."

    return _apply(request, action)


@require_GET
@require_perm(Perm.TAX_MANAGE)
def product_search(request: HttpRequest) -> HttpResponse:
    """Products matching `q` (title, brand or SKU), each with a rate form (htmx)."""
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "tax/_product_search.html",
        {"q": q, "results": selectors.search_products(q=q), "slabs": selectors.SLAB_CHOICES},
    )
