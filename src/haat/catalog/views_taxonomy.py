"""Dashboard pages for categories (a tree) and collections (ordered product sets).

Writes go through `catalog.taxonomy`; refusals such as "has children" come back as
a `DomainError` and are shown as a flash message or next to the field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from haat.accounts.roles import Perm
from haat.catalog import selectors, taxonomy
from haat.catalog.forms import CategoryForm, CollectionForm
from haat.catalog.models import Category, Collection, CollectionProduct
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import forbidden, require_perm

SEARCH_LIMIT = 20


def flatten_tree(nodes: list[dict[str, Any]], depth: int = 0) -> list[dict[str, Any]]:
    """The nested `selectors.category_tree()` as rows with a depth, for an indented table."""
    rows: list[dict[str, Any]] = []
    for node in nodes:
        rows.append({**node, "depth": depth, "indent": depth * 1.4})
        rows.extend(flatten_tree(node.get("children") or [], depth + 1))
    return rows


# --- categories -----------------------------------------------------------------------
@require_perm(Perm.CATALOG_VIEW)
def category_list(request: HttpRequest) -> HttpResponse:
    """The tree with counts; the create form sits beside it for people who may edit."""
    form = CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.can(Perm.CATALOG_EDIT):
            return forbidden(request, Perm.CATALOG_EDIT)
        if form.is_valid():
            try:
                category = taxonomy.create_category(**form.service_kwargs())
            except DomainError as err:
                attach_domain_error(form, err)
            else:
                messages.success(request, f"Created category “{category.name}”.")
                return redirect("catalog:category_list")
        status = 422
    context = {
        "rows": flatten_tree(selectors.category_tree()),
        "form": form,
        "can_edit": request.user.can(Perm.CATALOG_EDIT),
    }
    return render(request, "catalog/categories/list.html", context, status=status)


@require_perm(Perm.CATALOG_EDIT)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    others = list(Category.objects.exclude(pk=pk))
    initial = {
        "name": category.name,
        "slug": category.slug,
        "parent": category.parent_id,
        "description": category.description,
        "position": category.position,
    }
    form = CategoryForm(request.POST or None, initial=initial, categories=others)
    if request.method == "POST" and form.is_valid():
        try:
            taxonomy.update_category(category=category, **form.service_kwargs())
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            messages.success(request, f"Saved category “{form.cleaned_data['name']}”.")
            return redirect("catalog:category_list")
    status = 422 if form.is_bound else 200
    return render(
        request,
        "catalog/categories/edit.html",
        {"form": form, "category": category},
        status=status,
    )


@require_perm(Perm.CATALOG_EDIT)
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    if request.method == "POST":
        try:
            taxonomy.delete_category(category=category)
        except DomainError as err:
            messages.error(request, f"Could not delete “{category.name}”: {err.message}")
        else:
            messages.success(request, f"Deleted category “{category.name}”.")
    return redirect("catalog:category_list")


# --- collections ----------------------------------------------------------------------
@require_perm(Perm.CATALOG_VIEW)
def collection_list(request: HttpRequest) -> HttpResponse:
    form = CollectionForm(request.POST or None, initial={"is_published": True})
    status = 200
    if request.method == "POST":
        if not request.user.can(Perm.CATALOG_EDIT):
            return forbidden(request, Perm.CATALOG_EDIT)
        if form.is_valid():
            try:
                collection = taxonomy.create_collection(**form.service_kwargs())
            except DomainError as err:
                attach_domain_error(form, err)
            else:
                messages.success(request, f"Created “{collection.name}”. Now add products.")
                return redirect("catalog:collection_edit", pk=collection.pk)
        status = 422
    collections = selectors.collections_with_counts()
    context = {
        "collections": collections,
        "form": form,
        "can_edit": request.user.can(Perm.CATALOG_EDIT),
    }
    return render(request, "catalog/collections/list.html", context, status=status)


def _members(collection: Collection) -> list[CollectionProduct]:
    return selectors.collection_members(collection_id=collection.pk)


@require_perm(Perm.CATALOG_EDIT)
def collection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=pk)
    initial = {
        "name": collection.name,
        "slug": collection.slug,
        "description": collection.description,
        "is_published": collection.is_published,
    }
    form = CollectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            taxonomy.update_collection(collection=collection, **form.service_kwargs())
        except DomainError as err:
            attach_domain_error(form, err)
        else:
            messages.success(request, "Collection saved.")
            return redirect("catalog:collection_edit", pk=pk)
    context = {"form": form, "collection": collection, "members": _members(collection)}
    return render(
        request, "catalog/collections/edit.html", context, status=422 if form.is_bound else 200
    )


@require_perm(Perm.CATALOG_EDIT)
def collection_products(request: HttpRequest, pk: int) -> HttpResponse:
    """Add, remove or move one product; the service stores the whole new order."""
    collection = get_object_or_404(Collection, pk=pk)
    if request.method != "POST":
        return redirect("catalog:collection_edit", pk=pk)
    order = [m.product_id for m in _members(collection)]
    op = request.POST.get("op", "")
    raw = request.POST.get("product_id", "")
    product_id = int(raw) if raw.isdigit() else None
    if product_id is None:
        messages.error(request, "Choose a product.")
        return redirect("catalog:collection_edit", pk=pk)
    if op == "add" and product_id not in order:
        order.append(product_id)
    elif op == "remove" and product_id in order:
        order.remove(product_id)
    elif op in ("up", "down") and product_id in order:
        i = order.index(product_id)
        j = i - 1 if op == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    try:
        taxonomy.set_collection_products(collection=collection, product_ids=order)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        if op in ("add", "remove"):
            messages.success(request, "Product added." if op == "add" else "Product removed.")
    return redirect("catalog:collection_edit", pk=pk)


@require_perm(Perm.CATALOG_EDIT)
def collection_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: products matching the search box, with an Add button each."""
    collection = get_object_or_404(Collection, pk=pk)
    q = request.GET.get("q", "").strip()
    results = []
    if q:
        members = set(
            CollectionProduct.objects.filter(collection=collection).values_list(
                "product_id", flat=True
            )
        )
        products = selectors.admin_product_queryset(q=q).order_by("title")[:SEARCH_LIMIT]
        results = [(p, p.pk in members) for p in products]
    return render(
        request,
        "catalog/collections/_search.html",
        {"collection": collection, "results": results, "q": q},
    )


@require_perm(Perm.CATALOG_EDIT)
def collection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=pk)
    if request.method == "POST":
        try:
            taxonomy.delete_collection(collection=collection)
        except DomainError as err:
            messages.error(request, err.message)
            return redirect("catalog:collection_edit", pk=pk)
        messages.success(request, f"Deleted collection “{collection.name}”.")
    return redirect("catalog:collection_list")
