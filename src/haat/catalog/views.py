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
from haat.catalog import editor_stock, pricing, selectors, services
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
from haat.core.selectors import activity_for
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
            if posted is not None and (amount_name in posted or compare_name in posted):
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


def product_activity(product: Product, variants: list) -> list:
    """The product's and its variants' latest audit entries in words (prices as
    "Price of KL-KUR-004-L in INR: ₹2,499.00 → ₹2,299.00"), as on the audit log."""
    return activity_for(
        [("catalog.product", product.pk), *(("catalog.variant", v.pk) for v in variants)],
        limit=HISTORY_LIMIT,
    )


def editor_context(request: HttpRequest, product: Product, **overrides: Any) -> dict:
    """Everything the editor page renders; `overrides` swap in bound forms with errors."""
    currencies = enabled_currencies()
    default = currencies[0] if currencies else "INR"
    options = list(product.options.all())
    bound: dict[int, VariantForm] = overrides.pop("variant_forms", None) or {}
    variant_rows = []
    for variant in product.variants.all():
        form = bound.get(variant.pk)
        if form is None:
            initial = VariantForm.initial_for(variant)
            for i, opt in enumerate(options):
                initial[f"opt_{i}"] = variant.option_values.get(opt.name, "")
            form = variant_form(variant, options, default, initial=initial)
        variant_rows.append((variant, form))
    show_stock = editor_stock.is_registered() and request.user.can(Perm.INVENTORY_VIEW)
    stock = editor_stock.variant_stock(v.pk for v in product.variants.all()) if show_stock else {}
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
        "history": product_activity(product, [v for v, _ in variant_rows]),
        "storefront_url": settings.HAAT_STOREFRONT_URL
        or f"{request.scheme}://{request.get_host()}",
        "can_edit": request.user.can(Perm.CATALOG_EDIT),
        "can_price": request.user.can(Perm.PRICES_EDIT),
        "show_stock": show_stock,
        "stock_rows": [(variant, stock.get(variant.pk)) for variant, _ in variant_rows],
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


def variant_form(variant: Any, options: list, currency: str, **kwargs: Any) -> VariantForm:
    """An existing variant's row: its inputs belong to the editor's one form."""
    return VariantForm(
        prefix=f"v{variant.pk}",
        options=options,
        currency=currency,
        form_id=EDITOR_FORM,
        **kwargs,
    )


EDITOR_FORM = "product-form"  # the id of the editor's one <form>


@require_perm(Perm.CATALOG_VIEW)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor, and its one save: the product's fields, every variant row and the
    price matrix together, in one transaction (all of it or, on any error, none), each
    refusal shown next to its field or cell. Options, new variants and images have their
    own small forms (they change the shape of the editor)."""
    product = load_product(pk)
    if request.method != "POST":
        return render_editor(request, product)
    if not request.user.can(Perm.CATALOG_EDIT):
        return forbidden(request, Perm.CATALOG_EDIT)
    post = request.POST
    currencies = enabled_currencies()
    prices_posted = any(k.startswith(("price-", "compare-")) for k in post)
    if prices_posted and not request.user.can(Perm.PRICES_EDIT):
        return forbidden(request, Perm.PRICES_EDIT)
    form = ProductForm(post)
    options = list(product.options.all())
    default = currencies[0] if currencies else "INR"
    # A variant row is saved when its inputs were posted (a stale page may miss a new one).
    variant_forms = {
        variant.pk: variant_form(variant, options, default, data=post)
        for variant in product.variants.all()
        if f"v{variant.pk}-sku" in post
    }
    plan, price_errors = parse_price_matrix(product, currencies, post)
    valid = form.is_valid()
    valid = all([vf.is_valid() for vf in variant_forms.values()]) and valid
    if valid and not price_errors:
        target: Any = form
        try:
            # One transaction around the services' calls: every part is saved, or none.
            with transaction.atomic():
                services.update_product(product=product, **form.service_kwargs())
                variants = {v.pk: v for v in product.variants.all()}
                for vid, vform in variant_forms.items():
                    target = vform
                    variants[vid] = services.update_variant(
                        variant=variants[vid], **vform.service_kwargs()
                    )
                for stale, inputs, removals in plan:
                    target = variant = variants.get(stale.pk, stale)  # with its new SKU
                    if inputs:
                        pricing.set_variant_prices(variant=variant, prices=inputs, source="editor")
                    for code in removals:
                        pricing.remove_variant_price(variant=variant, currency=code)
        except DomainError as err:
            if isinstance(target, forms.Form):
                attach_domain_error(target, err)
            else:
                # Price errors name the currency of the refused cell in details["currency"].
                code = str(err.details.get("currency", ""))
                price_errors[(target.pk, code if code in currencies else "")] = err.message
        else:
            messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
            return redirect("catalog:product_edit", pk=pk)
    form.add_error(None, "Nothing was saved: fix the fields marked below.")
    return render_editor(
        request,
        load_product(pk),
        status=422,
        form=form,
        variant_forms=variant_forms,
        price_rows=price_rows(product, currencies, posted=post, errors=price_errors),
    )


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
    """Turn the posted matrix into per-variant price inputs and removals, or cell errors.
    A cell posted empty removes that price; a cell not posted at all is left alone."""
    plan: list[tuple[Any, list[pricing.PriceInput], list[str]]] = []
    errors: dict[tuple[int, str], str] = {}
    for variant in product.variants.all():
        existing = {p.currency_id for p in variant.prices.all()}
        inputs: list[pricing.PriceInput] = []
        removals: list[str] = []
        for code in currencies:
            names = (f"price-{variant.pk}-{code}", f"compare-{variant.pk}-{code}")
            if not any(name in data for name in names):
                continue  # not on the page that was saved: left as it is
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
