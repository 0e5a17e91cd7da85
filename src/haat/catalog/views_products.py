"""Dashboard product list with bulk actions, and the editor's variant and image rows.

The list is one selector query plus a fixed number of prefetches, so a page of 50
products costs the same number of queries as a page of one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from haat.accounts.roles import Perm
from haat.catalog import bulk, images, pricing, selectors, services
from haat.catalog.forms import (
    BulkActionForm,
    ImageUploadForm,
    VariantForm,
    category_choices,
)
from haat.catalog.images import rendition_url
from haat.catalog.models import Collection, Product, ProductImage, Variant
from haat.catalog.views import (
    editor_url,
    enabled_currencies,
    fmt_money,
    load_product,
    render_editor,
)
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import forbidden, require_perm

PAGE_SIZE = 50
SORTS = {
    "title": "title",
    "status": "status",
    "variants": "variant_count",
    "price": "price_min",
    "updated": "updated_at",
}


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def filtered_products(params: QueryDict, currency: str) -> tuple[QuerySet[Product], dict]:
    """The admin product queryset for the list's query string, plus the cleaned filters."""
    filters = {
        "q": params.get("q", "").strip(),
        "status": params.get("status", "") if params.get("status") in Product.Status else "",
        "category_id": _int_or_none(params.get("category")),
        "collection_id": _int_or_none(params.get("collection")),
        "availability": params.get("availability", "")
        if params.get("availability") in Product.Availability
        else "",
    }
    products = selectors.admin_product_queryset(**filters)
    if params.get("price") == "none":  # the home page's "no price yet" warning links here
        filters["price"] = "none"
        products = products.exclude(variants__prices__isnull=False)
    qs = selectors.with_price_range(products, currency=currency)
    return qs, filters


def _row(product: Product, currency: str) -> dict:
    imgs = list(product.images.all())
    low, high = product.price_min, product.price_max
    if low is None:
        price = ""
    elif low == high:
        price = fmt_money(low, currency)
    else:
        price = f"{fmt_money(low, currency)} – {fmt_money(high, currency)}"
    return {
        "product": product,
        "thumb": rendition_url(imgs[0], 160) if imgs else "",
        "thumb_alt": imgs[0].alt_text if imgs else "",
        "price": price,
        "categories": ", ".join(c.name for c in product.categories.all()),
    }


@require_perm(Perm.CATALOG_VIEW)
def product_list(request: HttpRequest) -> HttpResponse:
    currencies = enabled_currencies()
    currency = currencies[0] if currencies else "INR"
    qs, filters = filtered_products(request.GET, currency)
    sort = request.GET.get("sort", "-updated")
    field = SORTS.get(sort.lstrip("-"))
    if field is None:
        sort, field = "-updated", "updated_at"
    descending = sort.startswith("-")
    # Unpriced products sort last either way, on SQLite and PostgreSQL alike.
    key = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    qs = qs.order_by(key, "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    context = {
        "page": page,
        "rows": [_row(p, currency) for p in page],
        "filters": filters,
        "sort": sort,
        "query": params.urlencode(),
        "sort_query": sort_params.urlencode(),
        "currency": currency,
        "currencies": currencies,
        "statuses": Product.Status.choices,
        "availabilities": Product.Availability.choices,
        "category_options": category_choices(),
        "collection_options": list(Collection.objects.values_list("pk", "name")),
        "bulk_form": BulkActionForm(currencies=currencies)
        if request.user.can(Perm.CATALOG_EDIT)
        else None,
        "can_edit": request.user.can(Perm.CATALOG_EDIT),
        "can_price": request.user.can(Perm.PRICES_EDIT),
        "can_import": request.user.can(Perm.CATALOG_IMPORT),
    }
    template = "catalog/products/list.html"
    if request.htmx and request.htmx.target == "product-results":
        template = "catalog/products/_results.html"
    return render(request, template, context)


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        return nxt
    return "/dashboard/catalog/products/"


@require_perm(Perm.CATALOG_VIEW)
def product_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk action on checked rows: first a confirmation naming the count, then the service."""
    if request.method != "POST":
        return redirect("catalog:product_list")
    form = BulkActionForm(request.POST, currencies=enabled_currencies())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request))
    data = form.cleaned_data
    needed = Perm.PRICES_EDIT if data["action"] == "change_prices" else Perm.CATALOG_EDIT
    if not request.user.can(needed):
        return forbidden(request, needed)
    ids = sorted(set(data["ids"]))
    if request.POST.get("confirm") != "1":
        hidden = [
            (k, v)
            for k in request.POST
            if k != "csrfmiddlewaretoken"
            for v in request.POST.getlist(k)
        ]
        return render(
            request,
            "catalog/products/bulk_confirm.html",
            {
                "summary": form.summary(),
                "count": len(ids),
                "hidden": hidden,
                "back": _back(request),
            },
        )
    action = data["action"]
    try:
        if action == "set_status":
            changed = bulk.bulk_set_status(product_ids=ids, status=data["status"])
        elif action == "change_prices":
            changed = pricing.bulk_change_prices(
                product_ids=ids,
                currency=data["currency"],
                mode=data["mode"],
                value=data["value"].strip(),
                rounding=data["rounding"] or "none",
            )
        else:
            kind = "category" if action.endswith("category") else "collection"
            verb = "add" if action.startswith("add") else "remove"
            changed = bulk.bulk_assign(product_ids=ids, **{f"{verb}_{kind}_ids": [data[kind]]})
    except DomainError as err:
        messages.error(request, f"Nothing changed: {err.message}")
        return redirect(_back(request))
    noun = "price" if action == "change_prices" else "product"
    messages.success(
        request,
        f"{form.summary()}: {changed} {noun}{'s' if changed != 1 else ''} changed "
        f"across {len(ids)} selected product{'s' if len(ids) != 1 else ''}.",
    )
    return redirect(_back(request))


# --- variant rows ---------------------------------------------------------------------
def _default_currency() -> str:
    currencies = enabled_currencies()
    return currencies[0] if currencies else "INR"


@require_perm(Perm.CATALOG_EDIT)
def variant_create(request: HttpRequest, pk: int) -> HttpResponse:
    product = load_product(pk)
    if request.method != "POST":
        return redirect(editor_url(pk, "variants"))
    form = VariantForm(
        request.POST,
        prefix="new",
        options=list(product.options.all()),
        currency=_default_currency(),
    )
    if form.is_valid():
        try:
            variant = services.create_variant(product=product, **form.service_kwargs())
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            messages.success(request, f"Added variant {variant.sku}. Set its prices below.")
            return redirect(editor_url(pk, "variants"))
    return render_editor(request, product, status=422, new_variant_form=form)


@require_perm(Perm.CATALOG_EDIT)
def variant_delete(request: HttpRequest, pk: int, variant_id: int) -> HttpResponse:
    variant = get_object_or_404(Variant, pk=variant_id, product_id=pk)
    if request.method == "POST":
        try:
            services.delete_variant(variant=variant)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"Removed variant {variant.sku}.")
    return redirect(editor_url(pk, "variants"))


# --- images ---------------------------------------------------------------------------
@require_perm(Perm.CATALOG_EDIT)
def image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    product = load_product(pk)
    if request.method != "POST":
        return redirect(editor_url(pk, "images"))
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            images.add_product_image(
                product=product,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            messages.success(request, "Image added.")
            return redirect(editor_url(pk, "images"))
    return render_editor(request, product, status=422, image_form=form)


@require_perm(Perm.CATALOG_EDIT)
def image_action(request: HttpRequest, pk: int, image_id: int, action: str) -> HttpResponse:
    """Alt text, move up/down and delete: small posts from the image strip."""
    image = get_object_or_404(ProductImage, pk=image_id, product_id=pk)
    if request.method != "POST":
        return redirect(editor_url(pk, "images"))
    try:
        if action == "alt":
            images.update_product_image(image=image, alt_text=request.POST.get("alt_text", ""))
            messages.success(request, "Alt text saved.")
        elif action == "delete":
            images.delete_product_image(image=image)
            messages.success(request, "Image deleted.")
        elif action in ("up", "down"):
            order = list(ProductImage.objects.filter(product_id=pk).values_list("pk", flat=True))
            i = order.index(image.pk)
            j = i - 1 if action == "up" else i + 1
            if 0 <= j < len(order):
                order[i], order[j] = order[j], order[i]
                images.reorder_product_images(product=image.product, image_ids=order)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(editor_url(pk, "images"))
