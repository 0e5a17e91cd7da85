"""Bulk status and membership edits: one transaction, constant queries."""

from __future__ import annotations

import pytest

from haat.catalog import taxonomy
from haat.catalog.bulk import bulk_assign, bulk_set_status
from haat.catalog.models import CollectionProduct, Product
from haat.core.errors import ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent

from .domain_helpers import make_product

pytestmark = pytest.mark.django_db


def test_bulk_set_status_counts_changes_and_records():
    a, b = make_product("A"), make_product("B", status="active")
    assert bulk_set_status(product_ids=[a.pk, b.pk], status="active") == 1
    assert set(Product.objects.values_list("status", flat=True)) == {"active"}
    entry = AuditLogEntry.objects.get(action="product.update")
    assert (entry.object_id, entry.changes) == (str(a.pk), {"status": ["draft", "active"]})
    assert OutboxEvent.objects.filter(event_type="catalog.product_updated").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"status": "gone"}, "status"), ({"status": "active", "extra_id": 999}, "product_ids")],
)
def test_bulk_set_status_refuses_bad_input(kwargs, field):
    a = make_product("A")
    ids = [a.pk] + ([kwargs.pop("extra_id")] if "extra_id" in kwargs else [])
    with pytest.raises(ValidationError) as exc:
        bulk_set_status(product_ids=ids, **kwargs)
    assert exc.value.details["field"] == field
    assert Product.objects.get().status == "draft"


def test_bulk_assign_adds_and_removes():
    c1, c2 = taxonomy.create_category(name="C1"), taxonomy.create_category(name="C2")
    col = taxonomy.create_collection(name="Col")
    a, b = make_product("A", category_ids=[c1.pk]), make_product("B")
    taxonomy.set_collection_products(collection=col, product_ids=[b.pk])
    changed = bulk_assign(
        product_ids=[a.pk, b.pk],
        add_category_ids=[c2.pk],
        remove_category_ids=[c1.pk],
        add_collection_ids=[col.pk],
    )
    assert changed == 2
    assert list(a.categories.all()) == [c2] and list(b.categories.all()) == [c2]
    positions = dict(
        CollectionProduct.objects.filter(collection=col).values_list("product_id", "position")
    )
    assert positions == {b.pk: 0, a.pk: 1}
    assert bulk_assign(product_ids=[a.pk, b.pk], add_category_ids=[c2.pk]) == 0
    with pytest.raises(ValidationError):
        bulk_assign(product_ids=[a.pk], add_collection_ids=[999])
    with pytest.raises(ValidationError):
        bulk_assign(product_ids=[a.pk], add_category_ids=[c1.pk], remove_category_ids=[c1.pk])


def test_bulk_queries_do_not_grow_with_products(django_assert_max_num_queries):
    cat = taxonomy.create_category(name="C")
    col = taxonomy.create_collection(name="Col")
    ids = [make_product(f"P{i}").pk for i in range(51)]
    with django_assert_max_num_queries(20) as one:
        bulk_set_status(product_ids=ids[:1], status="active")
        bulk_assign(product_ids=ids[:1], add_category_ids=[cat.pk], add_collection_ids=[col.pk])
    with django_assert_max_num_queries(len(one.captured_queries)):
        bulk_set_status(product_ids=ids[1:], status="active")
        bulk_assign(product_ids=ids[1:], add_category_ids=[cat.pk], add_collection_ids=[col.pk])
    assert Product.objects.filter(status="active", categories=cat).count() == 51
