"""Catalog reads for the admin API and the dashboard; every shape is a fixed number
of queries however many products, variants, prices or images there are."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from haat.accounts.roles import Perm
from haat.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    PriceHistory,
    Product,
    ProductImage,
    ProductPriceRange,
    Variant,
    VariantPrice,
)
from haat.core.errors import NotFound
from haat.core.models import Currency
from haat.core.money import Money
from haat.core.registry import SearchHit


def _variants_prefetch() -> Prefetch:
    prices = VariantPrice.objects.order_by("currency__display_order", "currency_id")
    return Prefetch(
        "variants",
        queryset=Variant.objects.order_by("position", "id").prefetch_related(
            Prefetch("prices", queryset=prices)
        ),
    )


def variant_with_prices(*, variant_id: int) -> Variant:
    """A variant with its prices prefetched (the admin API's reply after a write)."""
    return Variant.objects.prefetch_related("prices").get(pk=variant_id)


def _images_prefetch() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))


def _with_related(qs: QuerySet[Product]) -> QuerySet[Product]:
    """Everything a product's editor and detail reply show."""
    return qs.prefetch_related(_variants_prefetch(), _images_prefetch(), "categories", "options")


def admin_product_queryset(
    *,
    q: str = "",
    status: str = "",
    category_id: int | None = None,
    collection_id: int | None = None,
    availability: str = "",
) -> QuerySet[Product]:
    """Products for staff lists, newest first, with `variant_count` annotated and what a
    list row shows (images, categories) prefetched.

    `q` matches title, slug, brand or any variant SKU (case-insensitive).
    """
    variant_count = (
        Variant.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Product.objects.annotate(
        variant_count=Coalesce(Subquery(variant_count, output_field=IntegerField()), Value(0))
    )
    q = (q or "").strip()
    if q:
        sku_match = Variant.objects.filter(product=OuterRef("pk"), sku__icontains=q)
        qs = qs.filter(
            Q(title__icontains=q) | Q(slug__icontains=q) | Q(brand__icontains=q) | Exists(sku_match)
        )
    if status:
        qs = qs.filter(status=status)
    if availability:
        qs = qs.filter(availability=availability)
    if category_id:
        qs = qs.filter(
            Exists(
                Product.categories.through.objects.filter(
                    product=OuterRef("pk"), category_id=category_id
                )
            )
        )
    if collection_id:
        qs = qs.filter(
            Exists(
                CollectionProduct.objects.filter(
                    product=OuterRef("pk"), collection_id=collection_id
                )
            )
        )
    return qs.order_by("-created_at", "-id").prefetch_related(_images_prefetch(), "categories")


def with_price_range(qs: QuerySet[Product], *, currency: str) -> QuerySet[Product]:
    """Annotate `price_min`/`price_max` from the stored range in `currency` (None if unpriced)."""
    ranges = ProductPriceRange.objects.filter(product=OuterRef("pk"), currency_id=currency)
    return qs.annotate(
        price_min=Subquery(ranges.values("min_amount")[:1]),
        price_max=Subquery(ranges.values("max_amount")[:1]),
    )


def product_detail(*, product_id: int) -> Product:
    """One product with variants, prices, images, categories, options, collections."""
    product = (
        _with_related(Product.objects.filter(pk=product_id)).prefetch_related("collections").first()
    )
    if product is None:
        raise NotFound("Product not found.", details={"field": "product_id"})
    return product


def price_matrix(*, product: Product) -> list[dict[str, Any]]:
    """One row per variant, one cell per enabled currency (None where unpriced).

    Uses the product's prefetched variants/prices when present (`product_detail`).
    """
    currencies = list(Currency.objects.filter(enabled=True).values_list("code", flat=True))
    if "variants" in getattr(product, "_prefetched_objects_cache", {}):
        variants = list(product.variants.all())
    else:
        variants = list(
            Variant.objects.filter(product=product)
            .order_by("position", "id")
            .prefetch_related("prices")
        )
    rows = []
    for variant in variants:
        by_cur = {p.currency_id: p for p in variant.prices.all()}
        cells = []
        for code in currencies:
            p = by_cur.get(code)
            cells.append(
                {
                    "currency": code,
                    "amount": p.amount if p else None,
                    "compare_at_amount": p.compare_at_amount if p else None,
                    "price": Money(p.amount, code) if p else None,
                    "compare_at": (
                        Money(p.compare_at_amount, code)
                        if p and p.compare_at_amount is not None
                        else None
                    ),
                }
            )
        rows.append(
            {
                "variant": variant,
                "variant_id": variant.pk,
                "sku": variant.sku,
                "title": variant.title,
                "is_active": variant.is_active,
                "cells": cells,
            }
        )
    return rows


def category_tree() -> list[dict[str, Any]]:
    """Nested categories in display order, each with its direct product count."""
    categories = Category.objects.annotate(product_count=Count("products")).order_by(
        "position", "name", "id"
    )
    nodes: dict[int, dict[str, Any]] = {}
    order: list[tuple[int, int | None]] = []
    for c in categories:
        nodes[c.pk] = {
            "id": c.pk,
            "name": c.name,
            "slug": c.slug,
            "description": c.description,
            "position": c.position,
            "parent_id": c.parent_id,
            "product_count": c.product_count,
            "children": [],
        }
        order.append((c.pk, c.parent_id))
    roots = []
    for pk, parent in order:
        (nodes[parent]["children"] if parent in nodes else roots).append(nodes[pk])
    return roots


def price_history(
    *, variant_id: int | None = None, product_id: int | None = None
) -> QuerySet[PriceHistory]:
    """Price changes of one variant or of all a product's variants, newest first."""
    qs = PriceHistory.objects.select_related("variant").order_by("-changed_at", "-id")
    if variant_id is not None:
        qs = qs.filter(variant_id=variant_id)
    if product_id is not None:
        qs = qs.filter(variant__product_id=product_id)
    return qs


def collections_with_counts() -> QuerySet[Collection]:
    """Collections by name, each with `product_count` annotated."""
    return Collection.objects.annotate(product_count=Count("products")).order_by("name")


def collection_members(*, collection_id: int) -> list[CollectionProduct]:
    """A collection's product links in display order, products loaded."""
    return list(
        CollectionProduct.objects.filter(collection_id=collection_id)
        .select_related("product")
        .order_by("position", "id")
    )


def home_figures(user: object) -> dict[str, Any]:
    """The dashboard home's catalog cards (every staff role sees the same figures)."""
    products = Product.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Product.Status.ACTIVE)),
        draft=Count("id", filter=Q(status=Product.Status.DRAFT)),
        archived=Count("id", filter=Q(status=Product.Status.ARCHIVED)),
    )
    return {
        "products": products,
        "variants": Variant.objects.count(),
        "categories": Category.objects.count(),
        "collections": Collection.objects.count(),
        "currencies": list(Currency.objects.filter(enabled=True).values_list("code", flat=True)),
        # The currencies card links to the currencies page for those who may open it.
        "can_manage_currencies": user.can(Perm.CURRENCIES_MANAGE),  # type: ignore[attr-defined]
    }


def unpriced_product_count(user: object) -> int:
    """Active products without any price: the storefront hides them, the home page warns."""
    return (
        Product.objects.filter(status=Product.Status.ACTIVE)
        .exclude(variants__prices__isnull=False)
        .count()
    )


PICK_LIMIT = 50


def category_picks(*, q: str = "", limit: int = PICK_LIMIT) -> list[tuple[int, str]]:
    """(id, name) of categories for a picker, by name, matching `q` anywhere in the
    name: other contexts' forms (payment rules) choose categories by name, never by id."""
    qs = Category.objects.order_by("name", "id")
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs.values_list("pk", "name")[:limit])


def product_picks(*, q: str = "", limit: int = PICK_LIMIT) -> list[tuple[int, str]]:
    """(id, title) of products for a picker, by title, matching `q` in the title or in
    one of its SKUs; archived products are included (a rule may still name one)."""
    qs = Product.objects.order_by("title", "id")
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(pk__in=Variant.objects.filter(sku__icontains=q).values("product_id"))
        )
    return list(qs.values_list("pk", "title")[:limit])


def search_products(q: str, limit: int) -> list[SearchHit]:
    """Products whose title, brand or a variant's SKU holds `q`, for the dashboard's
    search: newest first, one query (the matching SKUs gathered in it)."""
    q = " ".join((q or "").split())
    if not q:
        return []
    skus = Variant.objects.filter(product=OuterRef("pk"), sku__icontains=q)
    rows = (
        Product.objects.filter(Q(title__icontains=q) | Q(brand__icontains=q) | Exists(skus))
        .annotate(
            sku=Subquery(skus.order_by("sku").values("sku")[:1]),
            first_sku=Subquery(
                Variant.objects.filter(product=OuterRef("pk")).order_by("pk").values("sku")[:1]
            ),
        )
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        SearchHit(
            p.title,
            " · ".join(x for x in (p.get_status_display(), p.sku or p.first_sku, p.brand) if x),
            reverse("catalog:product_edit", args=[p.pk]),
        )
        for p in rows
    ]
