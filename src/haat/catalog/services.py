"""Catalog writes: products here; options and variants in `variants.py` (re-exported).

Every function validates all input before writing, runs in one transaction, and
records an audit entry and an outbox event alongside the change.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError, RestrictedError

from haat.catalog import validators as v
from haat.catalog.error_codes import CatalogError
from haat.catalog.events import ProductCreated, ProductDeleted, ProductUpdated
from haat.catalog.images import delete_files_on_commit
from haat.catalog.models import Category, Collection, CollectionProduct, Product
from haat.catalog.variants import (
    create_variant,
    delete_variant,
    set_product_options,
    update_variant,
)
from haat.core.audit import diff, record_audit
from haat.core.errors import Conflict, ValidationError
from haat.core.outbox import emit

__all__ = [
    "create_product",
    "create_variant",
    "delete_product",
    "delete_variant",
    "set_product_options",
    "update_product",
    "update_variant",
]

PRODUCT_FIELDS = (
    "title",
    "slug",
    "description",
    "brand",
    "status",
    "availability",
    "expected_days",
    "seo_title",
    "seo_description",
)
UPDATABLE = frozenset(PRODUCT_FIELDS) | {"category_ids", "collection_ids"}


def product_state(product: Product) -> dict[str, Any]:
    """The audited view of a product (scalar fields plus memberships)."""
    state = {f: getattr(product, f) for f in PRODUCT_FIELDS}
    if product.pk:
        state["category_ids"] = sorted(product.categories.values_list("id", flat=True))
        state["collection_ids"] = sorted(
            CollectionProduct.objects.filter(product=product).values_list(
                "collection_id", flat=True
            )
        )
    return state


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the scalar product fields present in `data` (slug handled by caller)."""
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = v.clean_title(data["title"])
    if "description" in data:
        out["description"] = v.clean_text(
            data["description"], field="description", max_length=100_000
        )
    if "brand" in data:
        out["brand"] = v.clean_text(data["brand"], field="brand", max_length=120)
    if "status" in data:
        out["status"] = v.clean_choice(data["status"], Product.Status, field="status")
    if "availability" in data:
        out["availability"] = v.clean_choice(
            data["availability"], Product.Availability, field="availability"
        )
    if "seo_title" in data:
        out["seo_title"] = v.clean_text(data["seo_title"], field="seo_title", max_length=70)
    if "seo_description" in data:
        out["seo_description"] = v.clean_text(
            data["seo_description"], field="seo_description", max_length=160
        )
    return out


def _check_slug_free(slug: str, exclude_pk: int | None = None) -> None:
    qs = Product.objects.filter(slug=slug)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict(
            f"Another product already uses the slug '{slug}'.",
            code=CatalogError.DUPLICATE_SLUG,
            details={"field": "slug"},
        )


def save_with_unique_slug(obj: Any) -> None:
    """Save inside a savepoint so a lost unique-slug race is a Conflict, not a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(
            f"Another record already uses the slug '{obj.slug}'.",
            code=CatalogError.DUPLICATE_SLUG,
            details={"field": "slug"},
        ) from None


def add_to_collections(product: Product, collection_ids: list[int]) -> None:
    """Append the product at the end of each collection (one aggregate, one insert)."""
    if not collection_ids:
        return
    tops = dict(
        CollectionProduct.objects.filter(collection_id__in=collection_ids)
        .values("collection_id")
        .annotate(top=Max("position"))
        .values_list("collection_id", "top")
    )
    CollectionProduct.objects.bulk_create(
        [
            CollectionProduct(collection_id=c, product=product, position=tops.get(c, -1) + 1)
            for c in collection_ids
        ],
        ignore_conflicts=True,
    )


def create_product(
    *,
    title: str,
    slug: str | None = None,
    description: str = "",
    brand: str = "",
    status: str = "draft",
    availability: str = "in_stock",
    expected_days: int | None = None,
    seo_title: str = "",
    seo_description: str = "",
    category_ids: list[int] | None = None,
    collection_ids: list[int] | None = None,
) -> Product:
    """Create a product; without a slug one is made from the title (-2, -3… if taken)."""
    fields = _clean_fields(
        {
            "title": title,
            "description": description,
            "brand": brand,
            "status": status,
            "availability": availability,
            "seo_title": seo_title,
            "seo_description": seo_description,
        }
    )
    fields["expected_days"] = v.clean_expected_days(
        expected_days, availability=fields["availability"]
    )
    cat_ids = v.clean_ids(category_ids, field="category_ids")
    col_ids = v.clean_ids(collection_ids, field="collection_ids")
    v.require_existing(Category, cat_ids, field="category_ids")
    v.require_existing(Collection, col_ids, field="collection_ids")
    with transaction.atomic():
        if slug:
            fields["slug"] = v.clean_slug(slug)
            _check_slug_free(fields["slug"])
        else:
            fields["slug"] = v.unique_slug(Product, fields["title"], max_length=220)
        product = Product(**fields)
        save_with_unique_slug(product)
        if cat_ids:
            product.categories.set(cat_ids)
        add_to_collections(product, col_ids)
        state = product_state(product)
        record_audit(action="product.create", obj=product, changes=diff({}, state))
        emit(
            ProductCreated(id=product.pk, slug=product.slug, status=product.status),
            aggregate=product,
        )
    return product


def update_product(*, product: Product, **changes: Any) -> Product:
    """Change only the given fields. An empty slug means "make one from the title"."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValidationError(
            f"Unknown product field(s): {', '.join(sorted(unknown))}.",
            code=CatalogError.UNKNOWN_FIELD,
            details={"field": sorted(unknown)[0]},
        )
    fields = _clean_fields(changes)
    availability = fields.get("availability", product.availability)
    if "expected_days" in changes:
        fields["expected_days"] = v.clean_expected_days(
            changes["expected_days"], availability=availability
        )
    elif availability not in v.DAYS_AVAILABILITIES and product.expected_days is not None:
        fields["expected_days"] = None  # no longer meaningful once in stock
    cat_ids = col_ids = None
    if "category_ids" in changes:
        cat_ids = v.clean_ids(changes["category_ids"], field="category_ids")
        v.require_existing(Category, cat_ids, field="category_ids")
    if "collection_ids" in changes:
        col_ids = v.clean_ids(changes["collection_ids"], field="collection_ids")
        v.require_existing(Collection, col_ids, field="collection_ids")
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        before = product_state(product)
        if "slug" in changes:
            if changes["slug"]:
                fields["slug"] = v.clean_slug(changes["slug"])
                _check_slug_free(fields["slug"], exclude_pk=product.pk)
            else:
                title = fields.get("title", product.title)
                fields["slug"] = v.unique_slug(
                    Product, title, max_length=220, exclude_pk=product.pk
                )
        for name, value in fields.items():
            setattr(product, name, value)
        if fields:
            try:
                with transaction.atomic():
                    product.save(update_fields=[*fields, "updated_at"])
            except IntegrityError:
                raise Conflict(
                    "Another product already uses this slug.",
                    code=CatalogError.DUPLICATE_SLUG,
                    details={"field": "slug"},
                ) from None
        if cat_ids is not None:
            product.categories.set(cat_ids)
        if col_ids is not None:
            CollectionProduct.objects.filter(product=product).exclude(
                collection_id__in=col_ids
            ).delete()
            have = set(
                CollectionProduct.objects.filter(product=product).values_list(
                    "collection_id", flat=True
                )
            )
            add_to_collections(product, [c for c in col_ids if c not in have])
        changed = diff(before, product_state(product))
        if changed:
            record_audit(action="product.update", obj=product, changes=changed)
            emit(
                ProductUpdated(id=product.pk, slug=product.slug, fields=sorted(changed)),
                aggregate=product,
            )
    return product


def delete_product(*, product: Product) -> None:
    """Delete a product with its variants, prices and images (files removed on commit).

    Refused with a Conflict when other records (e.g. orders) protect its variants;
    archive it instead.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        files = []
        for image in product.images.all():
            files.append(image.image.name)
            files.extend(image.renditions.values())
        state = product_state(product)
        pk, slug = product.pk, product.slug
        try:
            with transaction.atomic():
                product.delete()
        except (ProtectedError, RestrictedError):
            raise Conflict(
                "This product is referenced by other records; archive it instead.",
                code=CatalogError.PRODUCT_IN_USE,
                details={"field": "product"},
            ) from None
        product.pk = pk
        record_audit(
            action="product.delete",
            obj=product,
            changes={k: [val, None] for k, val in state.items()},
        )
        emit(ProductDeleted(id=pk, slug=slug), aggregate=product)
        delete_files_on_commit(files)
