"""Categories and collections."""

from __future__ import annotations

import pytest

from haat.catalog import taxonomy
from haat.catalog.models import Category, Collection, CollectionProduct
from haat.core.errors import Conflict, ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent

from .domain_helpers import make_product

pytestmark = pytest.mark.django_db


def test_category_create_update_delete_records():
    root = taxonomy.create_category(name="Clothing")
    child = taxonomy.create_category(name="Kurtas", parent_id=root.pk, position=2)
    assert (child.slug, child.parent_id) == ("kurtas", root.pk)
    assert taxonomy.create_category(name="Kurtas").slug == "kurtas-2"
    taxonomy.update_category(category=child, name="Cotton Kurtas", slug="cotton-kurtas")
    child.refresh_from_db()
    assert (child.name, child.slug) == ("Cotton Kurtas", "cotton-kurtas")
    with pytest.raises(Conflict) as exc:
        taxonomy.delete_category(category=root)
    assert exc.value.code == "category_has_children"
    taxonomy.delete_category(category=child)
    taxonomy.delete_category(category=root)
    assert {e.event_type for e in OutboxEvent.objects.all()} == {
        "catalog.category_created",
        "catalog.category_updated",
        "catalog.category_deleted",
    }
    assert AuditLogEntry.objects.filter(action="category.update").get().changes["name"] == [
        "Kurtas",
        "Cotton Kurtas",
    ]


def test_category_refuses_cycles_and_bad_input():
    a = taxonomy.create_category(name="A")
    b = taxonomy.create_category(name="B", parent_id=a.pk)
    c = taxonomy.create_category(name="C", parent_id=b.pk)
    for parent in (a.pk, c.pk):
        with pytest.raises(ValidationError) as exc:
            taxonomy.update_category(category=a, parent_id=parent)
        assert exc.value.code == "cycle"
    a.refresh_from_db()
    assert a.parent_id is None
    taxonomy.update_category(category=c, parent_id=None)
    with pytest.raises(ValidationError):
        taxonomy.create_category(name="", slug="x")
    with pytest.raises(ValidationError):
        taxonomy.create_category(name="X", parent_id=999)
    with pytest.raises(ValidationError):
        taxonomy.create_category(name="X", slug="Not OK")
    with pytest.raises(Conflict):
        taxonomy.create_category(name="X", slug="a")
    assert Category.objects.count() == 3


def test_collections_ordered_members():
    p1, p2, p3 = make_product("One"), make_product("Two"), make_product("Three")
    col = taxonomy.create_collection(name="Diwali Gifts", product_ids=[p2.pk, p1.pk])
    assert col.slug == "diwali-gifts"

    def members():
        return list(
            CollectionProduct.objects.filter(collection=col)
            .order_by("position")
            .values_list("product_id", flat=True)
        )

    assert members() == [p2.pk, p1.pk]
    taxonomy.set_collection_products(collection=col, product_ids=[p3.pk, p2.pk])
    assert members() == [p3.pk, p2.pk]
    entry = AuditLogEntry.objects.filter(action="collection.update").get()
    assert entry.changes["product_ids"] == [[p2.pk, p1.pk], [p3.pk, p2.pk]]
    with pytest.raises(ValidationError) as exc:
        taxonomy.set_collection_products(collection=col, product_ids=[p1.pk, 999])
    assert exc.value.details["field"] == "product_ids"
    assert members() == [p3.pk, p2.pk]
    taxonomy.update_collection(collection=col, is_published=False)
    col.refresh_from_db()
    assert col.is_published is False
    with pytest.raises(ValidationError):
        taxonomy.update_collection(collection=col, colour="red")
    taxonomy.delete_collection(collection=col)
    assert not Collection.objects.exists()
    assert OutboxEvent.objects.filter(event_type="catalog.collection_deleted").exists()
