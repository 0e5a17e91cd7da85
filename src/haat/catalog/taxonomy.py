"""Categories (a small tree) and collections (ordered hand-picked product sets)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from haat.catalog import validators as v
from haat.catalog.error_codes import CatalogError
from haat.catalog.events import (
    CategoryCreated,
    CategoryDeleted,
    CategoryUpdated,
    CollectionCreated,
    CollectionDeleted,
    CollectionUpdated,
)
from haat.catalog.models import Category, Collection, CollectionProduct, Product
from haat.catalog.services import save_with_unique_slug
from haat.core.audit import diff, record_audit
from haat.core.errors import Conflict, ValidationError
from haat.core.outbox import emit

SLUG_MAX = 140


def _reject_unknown(changes: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            f"Unknown {what} field(s): {', '.join(sorted(unknown))}.",
            code=CatalogError.UNKNOWN_FIELD,
            details={"field": sorted(unknown)[0]},
        )


def _slug_for(model: type, slug: str | None, name: str, exclude_pk: int | None = None) -> str:
    if not slug:
        return v.unique_slug(model, name, max_length=SLUG_MAX, exclude_pk=exclude_pk)
    slug = v.clean_slug(slug, max_length=SLUG_MAX)
    qs = model._default_manager.filter(slug=slug)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict(
            f"The slug '{slug}' is already used.",
            code=CatalogError.DUPLICATE_SLUG,
            details={"field": "slug"},
        )
    return slug


def _category_state(c: Category) -> dict[str, Any]:
    return {
        "name": c.name,
        "slug": c.slug,
        "parent_id": c.parent_id,
        "description": c.description,
        "position": c.position,
    }


def _clean_parent(parent_id: Any, *, moving_id: int | None = None) -> int | None:
    """The parent must exist and must not be the category itself or one of its
    descendants (one query for the whole parent map; category trees are small)."""
    if parent_id is None:
        return None
    if isinstance(parent_id, bool) or not isinstance(parent_id, int):
        raise v.invalid("parent_id", "Choose the parent category.")
    parents = dict(Category.objects.values_list("id", "parent_id"))
    if parent_id not in parents:
        raise v.invalid(
            "parent_id", f"Unknown parent category {parent_id}.", CatalogError.UNKNOWN_ID
        )
    node: int | None = parent_id
    while node is not None and moving_id is not None:
        if node == moving_id:
            raise v.invalid(
                "parent_id",
                "A category cannot be moved under itself or its children.",
                CatalogError.CYCLE,
            )
        node = parents.get(node)
    return parent_id


def create_category(
    *,
    name: str,
    slug: str | None = None,
    parent_id: int | None = None,
    description: str = "",
    position: int = 0,
) -> Category:
    name = v.clean_title(name, field="name", max_length=120)
    description = v.clean_text(description, field="description", max_length=100_000)
    position = v.clean_int(
        position, field="position", minimum=0, maximum=v.MAX_POSITION, allow_none=False
    )
    parent = _clean_parent(parent_id)
    with transaction.atomic():
        category = Category(
            name=name,
            slug=_slug_for(Category, slug, name),
            parent_id=parent,
            description=description,
            position=position,
        )
        save_with_unique_slug(category)
        record_audit(
            action="category.create", obj=category, changes=diff({}, _category_state(category))
        )
        emit(CategoryCreated(id=category.pk, **_category_state(category)), aggregate=category)
    return category


def update_category(*, category: Category, **changes: Any) -> Category:
    _reject_unknown(changes, {"name", "slug", "parent_id", "description", "position"}, "category")
    fields: dict[str, Any] = {}
    if "name" in changes:
        fields["name"] = v.clean_title(changes["name"], field="name", max_length=120)
    if "description" in changes:
        fields["description"] = v.clean_text(
            changes["description"], field="description", max_length=100_000
        )
    if "position" in changes:
        fields["position"] = v.clean_int(
            changes["position"],
            field="position",
            minimum=0,
            maximum=v.MAX_POSITION,
            allow_none=False,
        )
    if "parent_id" in changes:
        fields["parent_id"] = _clean_parent(changes["parent_id"], moving_id=category.pk)
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        before = _category_state(category)
        if "slug" in changes:
            fields["slug"] = _slug_for(
                Category, changes["slug"], fields.get("name", category.name), category.pk
            )
        for key, value in fields.items():
            setattr(category, key, value)
        changed = diff(before, _category_state(category))
        if changed:
            category.save(update_fields=list(fields))
            record_audit(action="category.update", obj=category, changes=changed)
            emit(CategoryUpdated(id=category.pk, fields=sorted(changed)), aggregate=category)
    return category


def delete_category(*, category: Category) -> None:
    """Refused while it has children; products simply lose the category."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        if category.children.exists():
            raise Conflict(
                f"'{category.name}' has subcategories; move or delete them first.",
                code=CatalogError.CATEGORY_HAS_CHILDREN,
                details={"field": "category"},
            )
        state, pk = _category_state(category), category.pk
        category.delete()
        category.pk = pk
        record_audit(
            action="category.delete", obj=category, changes={k: [x, None] for k, x in state.items()}
        )
        emit(CategoryDeleted(id=pk, **state), aggregate=category)


# --- collections ---------------------------------------------------------------------


def _collection_state(c: Collection) -> dict[str, Any]:
    return {
        "name": c.name,
        "slug": c.slug,
        "description": c.description,
        "is_published": c.is_published,
    }


def _write_members(collection: Collection, product_ids: list[int]) -> list[int]:
    before = list(
        CollectionProduct.objects.filter(collection=collection)
        .order_by("position", "id")
        .values_list("product_id", flat=True)
    )
    if before != product_ids:
        CollectionProduct.objects.filter(collection=collection).delete()
        CollectionProduct.objects.bulk_create(
            [
                CollectionProduct(collection=collection, product_id=pid, position=i)
                for i, pid in enumerate(product_ids)
            ]
        )
    return before


def create_collection(
    *,
    name: str,
    slug: str | None = None,
    description: str = "",
    is_published: bool = True,
    product_ids: list[int] | None = None,
) -> Collection:
    name = v.clean_title(name, field="name", max_length=120)
    description = v.clean_text(description, field="description", max_length=100_000)
    published = v.clean_bool(is_published, field="is_published")
    ids = v.clean_ids(product_ids, field="product_ids")
    v.require_existing(Product, ids, field="product_ids")
    with transaction.atomic():
        collection = Collection(
            name=name,
            slug=_slug_for(Collection, slug, name),
            description=description,
            is_published=published,
        )
        save_with_unique_slug(collection)
        _write_members(collection, ids)
        state = {**_collection_state(collection), "product_ids": ids}
        record_audit(action="collection.create", obj=collection, changes=diff({}, state))
        emit(CollectionCreated(id=collection.pk, **state), aggregate=collection)
    return collection


def update_collection(*, collection: Collection, **changes: Any) -> Collection:
    allowed = {"name", "slug", "description", "is_published", "product_ids"}
    _reject_unknown(changes, allowed, "collection")
    fields: dict[str, Any] = {}
    if "name" in changes:
        fields["name"] = v.clean_title(changes["name"], field="name", max_length=120)
    if "description" in changes:
        fields["description"] = v.clean_text(
            changes["description"], field="description", max_length=100_000
        )
    if "is_published" in changes:
        fields["is_published"] = v.clean_bool(changes["is_published"], field="is_published")
    ids = None
    if "product_ids" in changes:
        ids = v.clean_ids(changes["product_ids"], field="product_ids")
        v.require_existing(Product, ids, field="product_ids")
    with transaction.atomic():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        before = _collection_state(collection)
        if "slug" in changes:
            fields["slug"] = _slug_for(
                Collection, changes["slug"], fields.get("name", collection.name), collection.pk
            )
        for key, value in fields.items():
            setattr(collection, key, value)
        changed = diff(before, _collection_state(collection))
        if changed:
            collection.save(update_fields=list(fields))
        if ids is not None:
            old_ids = _write_members(collection, ids)
            if old_ids != ids:
                changed["product_ids"] = [old_ids, ids]
        if changed:
            record_audit(action="collection.update", obj=collection, changes=changed)
            emit(CollectionUpdated(id=collection.pk, fields=sorted(changed)), aggregate=collection)
    return collection


def set_collection_products(*, collection: Collection, product_ids: list[int]) -> None:
    """Replace the members with `product_ids`, in that order."""
    update_collection(collection=collection, product_ids=product_ids)


def delete_collection(*, collection: Collection) -> None:
    with transaction.atomic():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        state, pk = _collection_state(collection), collection.pk
        collection.delete()
        collection.pk = pk
        record_audit(
            action="collection.delete",
            obj=collection,
            changes={k: [x, None] for k, x in state.items()},
        )
        emit(CollectionDeleted(id=pk, **state), aggregate=collection)
