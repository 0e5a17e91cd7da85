"""Dashboard product editor: main fields, options and the price matrix.

Views parse input with forms and call catalog services; they never write rows
themselves. A service's `DomainError` is shown next to the field or cell it names,
and because services validate before writing, a failed save changes nothing.
Variant rows and images live in `views_products.py`, next to the list page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from haat.accounts.roles import Perm
from haat.catalog import pricing, selectors, services
from haat.catalog.forms import (
    ImageUploadForm,
    OptionsForm,
    ProductForm,
    VariantForm,
    parse_money,
)
from haat.catalog.images import rendition_url
from haat.catalog.models import Product
from haat.core import currencies as core_currencies
from haat.core.errors import DomainError, NotFound
from haat.core.forms import attach_domain_error
from haat.core.money import Money
from haat.dashboard.access import forbidden, require_perm

HISTORY_LIMIT = 20


# --- shared helpers -------------------------------------------------------------------
def enabled_currencies() -> list[str]:
    """Enabled currency codes, the store default first (it is the list page's column)."""
    ordered = sorted(core_currencies.enabled_currencies(), key=lambda c: not c.is_default)
    return [c.code for c in ordered]


def fmt_money(amount: int | None, currency: str) -> str:
    if amount is None:
        return "—"
    return Money(amount, currency).format(settings.HAAT_LOCALE)


def major(amount: int | None, currency: str) -> str:
    """Minor units as the major-unit text the editor shows in inputs ("1299.00")."""
    return "" if amount is None else f"{Money(amount, currency).to_decimal():f}"


def load_product(pk: int) -> Product:
    """The product with everything the editor shows prefetched (NotFound → 404 page)."""
    try:
        return selectors.product_detail(product_id=pk)
    except NotFound:
        raise Http404("No such product.") from None


def editor_url(pk: int, anchor: str = "") -> str:
    return reverse("catalog:product_edit", args=[pk]) + (f"#{anchor}" if anchor else "")


def price_rows(
    product: Product,
    currencies: list[str],
    posted: dict[str, str] | None = None,
    errors: dict[tuple[int, str], str] | None = None,
) -> list[dict[str, Any]]:
    """The price matrix for the template: stored values, or the posted ones after an error."""
    errors = errors or {}
    rows = []
    for row in selectors.price_matrix(product=product):
        stored = {cell["currency"]: cell for cell in row["cells"]}
        vid = row["variant_id"]
        cells = []
        for code in currencies:
            cell = stored.get(code) or {}
            amount_name, compare_name = f"price-{vid}-{code}", f"compare-{vid}-{code}"
            if posted is not None:
                amount, compare = posted.get(amount_name, ""), posted.get(compare_name, "")
            else:
                amount = major(cell.get("amount"), code)
                compare = major(cell.get("compare_at_amount"), code)
            cells.append(
                {
                    "currency": code,
                    "amount_name": amount_name,
                    "compare_name": compare_name,
                    "amount": amount,
                    "compare": compare,
                    "error": errors.get((vid, code), ""),
                }
            )
        rows.append({"variant": row["variant"], "cells": cells, "error": errors.get((vid, ""))})
    return rows


def history_rows(product: Product) -> list[dict[str, str]]:
    """The last price changes of the product's variants, formatted for reading."""
    entries = selectors.price_history(product_id=product.pk)[:HISTORY_LIMIT]
    return [
        {
            "when": e.changed_at,
            "who": e.changed_by_label or "system",
            "sku": e.variant.sku,
            "currency": e.currency,
            "old": fmt_money(e.old_amount, e.currency),
            "new": fmt_money(e.new_amount, e.currency),
            "source": e.source,
        }
        for e in entries
    ]


def editor_context(request: HttpRequest, product: Product, **overrides: Any) -> dict:
    """Everything the editor page renders; `overrides` swap in bound forms with errors."""
    currencies = enabled_currencies()
    default = currencies[0] if currencies else "INR"
    options = list(product.options.all())
    bound_variant: tuple[int, VariantForm] | None = overrides.pop("bound_variant", None)
    variant_rows = []
    for variant in product.variants.all():
        if bound_variant and bound_variant[0] == variant.pk:
            form = bound_variant[1]
        else:
            initial = VariantForm.initial_for(variant)
            for i, opt in enumerate(options):
                initial[f"opt_{i}"] = variant.option_values.get(opt.name, "")
            form = VariantForm(
                initial=initial, prefix=f"v{variant.pk}", options=options, currency=default
            )
        variant_rows.append((variant, form))
    context = {
        "product": product,
        "form": ProductForm(initial=ProductForm.initial_for(product)),
        "options_form": OptionsForm(options=options),
        "variant_rows": variant_rows,
        "new_variant_form": VariantForm(
            prefix="new", options=options, currency=default, initial={"is_active": True}
        ),
        "currencies": currencies,
        "default_currency": default,
        "price_rows": price_rows(product, currencies),
        "images": [(img, rendition_url(img, 160)) for img in product.images.all()],
        "image_form": ImageUploadForm(),
        "history": history_rows(product),
        "storefront_url": settings.HAAT_STOREFRONT_URL
        or f"{request.scheme}://{request.get_host()}",
        "can_edit": request.user.can(Perm.CATALOG_EDIT),
        "can_price": request.user.can(Perm.PRICES_EDIT),
    }
    context.update(overrides)
    return context


def render_editor(
    request: HttpRequest, product: Product, status: int = 200, **overrides: Any
) -> HttpResponse:
    return render(
        request,
        "catalog/products/editor.html",
        editor_context(request, product, **overrides),
        status=status,
    )


# --- pages ----------------------------------------------------------------------------
@require_perm(Perm.CATALOG_EDIT)
def product_create(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product = services.create_product(**form.service_kwargs())
            except DomainError as err:
                attach_domain_error(form, err)
            else:
                messages.success(
                    request, f"Created “{product.title}”. Now add variants and prices."
                )
                return redirect("catalog:product_edit", pk=product.pk)
        status = 422
    context = {
        "form": form,
        "product": None,
        "can_edit": True,
        "storefront_url": settings.HAAT_STOREFRONT_URL
        or f"{request.scheme}://{request.get_host()}",
    }
    return render(request, "catalog/products/editor.html", context, status=status)


@require_perm(Perm.CATALOG_VIEW)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = load_product(pk)
    if request.method != "POST":
        return render_editor(request, product)
    if not request.user.can(Perm.CATALOG_EDIT):
        return forbidden(request, Perm.CATALOG_EDIT)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            services.update_product(product=product, **form.service_kwargs())
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            messages.success(request, "Product saved.")
            return redirect("catalog:product_edit", pk=pk)
    return render_editor(request, load_product(pk), status=422, form=form)


@require_perm(Perm.CATALOG_EDIT)
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = load_product(pk)
    if request.method != "POST":
        return redirect("catalog:product_edit", pk=pk)
    try:
        services.delete_product(product=product)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("catalog:product_edit", pk=pk)
    messages.success(request, f"Deleted “{product.title}”.")
    return redirect("catalog:product_list")


@require_perm(Perm.CATALOG_EDIT)
def product_options(request: HttpRequest, pk: int) -> HttpResponse:
    product = load_product(pk)
    if request.method != "POST":
        return redirect("catalog:product_edit", pk=pk)
    form = OptionsForm(request.POST, options=list(product.options.all()))
    if form.is_valid():
        try:
            services.set_product_options(product=product, options=form.cleaned_data["options"])
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            messages.success(request, "Options saved.")
            return redirect(editor_url(pk, "options"))
    return render_editor(request, product, status=422, options_form=form)


def parse_price_matrix(
    product: Product, currencies: list[str], data: dict[str, str]
) -> tuple[list[tuple[Any, list[pricing.PriceInput], list[str]]], dict[tuple[int, str], str]]:
    """Turn the posted matrix into per-variant price inputs and removals, or cell errors."""
    plan: list[tuple[Any, list[pricing.PriceInput], list[str]]] = []
    errors: dict[tuple[int, str], str] = {}
    for variant in product.variants.all():
        existing = {p.currency_id for p in variant.prices.all()}
        inputs: list[pricing.PriceInput] = []
        removals: list[str] = []
        for code in currencies:
            try:
                amount = parse_money(
                    data.get(f"price-{variant.pk}-{code}", ""), code, field="Price"
                )
                compare = parse_money(
                    data.get(f"compare-{variant.pk}-{code}", ""), code, field="Compare-at price"
                )
            except forms.ValidationError as err:
                errors[(variant.pk, code)] = err.messages[0]
                continue
            if amount is None:
                if compare is not None:
                    errors[(variant.pk, code)] = "Enter a price before a compare-at price."
                elif code in existing:
                    removals.append(code)
                continue
            inputs.append(pricing.PriceInput(amount=amount, compare_at=compare))
        plan.append((variant, inputs, removals))
    return plan, errors


@require_perm(Perm.PRICES_EDIT)
def product_prices(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the whole matrix at once: every variant's prices or, on any error, none."""
    product = load_product(pk)
    if request.method != "POST":
        return redirect("catalog:product_edit", pk=pk)
    currencies = enabled_currencies()
    plan, errors = parse_price_matrix(product, currencies, request.POST)
    if not errors:
        current = None
        try:
            # One transaction around the per-variant service calls: all rows or none.
            with transaction.atomic():
                for variant, inputs, removals in plan:
                    current = variant
                    if inputs:
                        pricing.set_variant_prices(variant=variant, prices=inputs, source="editor")
                    for code in removals:
                        pricing.remove_variant_price(variant=variant, currency=code)
        except DomainError as err:
            # Price errors name the currency of the refused cell in details["currency"].
            code = str(err.details.get("currency", ""))
            errors[(current.pk if current else 0, code if code in currencies else "")] = err.message
            messages.error(request, f"{current.sku if current else ''}: {err.message}")
        else:
            messages.success(request, "Prices saved.")
            return redirect(editor_url(pk, "prices"))
    rows = price_rows(product, currencies, posted=request.POST, errors=errors)
    return render_editor(request, product, status=422, price_rows=rows, price_errors=True)
