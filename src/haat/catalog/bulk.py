"""Bulk edits of many products: one transaction, a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from haat.catalog import validators as v
from haat.catalog.error_codes import CatalogError
from haat.catalog.events import ProductUpdated
from haat.catalog.models import Category, Collection, CollectionProduct, Product
from haat.core.audit import record_audits
from haat.core.outbox import emit_all

CategoryLink = Product.categories.through


def _products(product_ids: Iterable[int]) -> list[Product]:
    """Lock the products in id order (a fixed order, so concurrent bulk edits never
    deadlock); every id must exist."""
    ids = v.clean_ids(list(product_ids), field="product_ids")
    products = list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(products) != len(ids):
        found = {p.pk for p in products}
        missing = [i for i in ids if i not in found]
        raise v.invalid("product_ids", f"Unknown product_ids: {missing}.", CatalogError.UNKNOWN_ID)
    return products


def bulk_set_status(*, product_ids: list[int], status: str) -> int:
    """Set the status of many products; returns how many actually changed."""
    status = v.clean_choice(status, Product.Status, field="status")
    with transaction.atomic():
        products = [p for p in _products(product_ids) if p.status != status]
        if not products:
            return 0
        Product.objects.filter(pk__in=[p.pk for p in products]).update(
            status=status, updated_at=timezone.now()
        )
        record_audits("product.update", [(p, {"status": [p.status, status]}) for p in products])
        emit_all((ProductUpdated(id=p.pk, slug=p.slug, fields=["status"]), p) for p in products)
    return len(products)


def bulk_assign(
    *,
    product_ids: list[int],
    add_category_ids: Iterable[int] = (),
    remove_category_ids: Iterable[int] = (),
    add_collection_ids: Iterable[int] = (),
    remove_collection_ids: Iterable[int] = (),
) -> int:
    """Add/remove categories and collections for many products; returns how many
    products' memberships changed. New collection members go to the end, in id order."""
    add_cats = v.clean_ids(list(add_category_ids), field="add_category_ids")
    rm_cats = v.clean_ids(list(remove_category_ids), field="remove_category_ids")
    add_cols = v.clean_ids(list(add_collection_ids), field="add_collection_ids")
    rm_cols = v.clean_ids(list(remove_collection_ids), field="remove_collection_ids")
    if set(add_cats) & set(rm_cats) or set(add_cols) & set(rm_cols):
        raise v.invalid("add_category_ids", "Cannot add and remove the same category/collection.")
    v.require_existing(Category, add_cats + rm_cats, field="category_ids")
    v.require_existing(Collection, add_cols + rm_cols, field="collection_ids")
    with transaction.atomic():
        products = _products(product_ids)
        pids = [p.pk for p in products]
        cats = set(
            CategoryLink.objects.filter(product_id__in=pids).values_list(
                "product_id", "category_id"
            )
        )
        cols = set(
            CollectionProduct.objects.filter(product_id__in=pids).values_list(
                "product_id", "collection_id"
            )
        )
        cat_add = [(p, c) for p in pids for c in add_cats if (p, c) not in cats]
        cat_rm = [(p, c) for p in pids for c in rm_cats if (p, c) in cats]
        col_add = [(p, c) for p in pids for c in add_cols if (p, c) not in cols]
        col_rm = [(p, c) for p in pids for c in rm_cols if (p, c) in cols]
        touched: dict[int, dict[str, list[int]]] = {}
        for key, pairs in (
            ("added_categories", cat_add),
            ("removed_categories", cat_rm),
            ("added_collections", col_add),
            ("removed_collections", col_rm),
        ):
            for p, c in pairs:
                touched.setdefault(p, {}).setdefault(key, []).append(c)
        if not touched:
            return 0
        CategoryLink.objects.bulk_create(
            [CategoryLink(product_id=p, category_id=c) for p, c in cat_add], batch_size=500
        )
        if cat_rm:
            CategoryLink.objects.filter(product_id__in=pids, category_id__in=rm_cats).delete()
        if col_add:
            tops = dict(
                CollectionProduct.objects.filter(collection_id__in=add_cols)
                .values("collection_id")
                .annotate(top=Max("position"))
                .values_list("collection_id", "top")
            )
            rows = []
            for p, c in col_add:
                tops[c] = tops.get(c, -1) + 1
                rows.append(CollectionProduct(collection_id=c, product_id=p, position=tops[c]))
            CollectionProduct.objects.bulk_create(rows, batch_size=500)
        if col_rm:
            CollectionProduct.objects.filter(
                product_id__in=pids, collection_id__in=rm_cols
            ).delete()
        changed = [p for p in products if p.pk in touched]
        Product.objects.filter(pk__in=list(touched)).update(updated_at=timezone.now())
        record_audits("product.update", [(p, touched[p.pk]) for p in changed])
        emit_all(
            (ProductUpdated(id=p.pk, slug=p.slug, fields=sorted(touched[p.pk])), p) for p in changed
        )
    return len(changed)
