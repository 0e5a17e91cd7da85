"""Product services: validation, slugs, memberships, audit and events."""

from __future__ import annotations

import pytest

from haat.catalog import services, taxonomy
from haat.catalog.models import CollectionProduct, Product
from haat.core.context import Actor, acting_as
from haat.core.errors import Conflict, ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent

pytestmark = pytest.mark.django_db


def test_create_product_generates_unique_slugs_and_records():
    a = services.create_product(title="Block Print Kurta")
    b = services.create_product(title="Block  Print Kurta!")
    c = services.create_product(title="Block Print Kurta")
    assert [a.slug, b.slug, c.slug] == [
        "block-print-kurta",
        "block-print-kurta-2",
        "block-print-kurta-3",
    ]
    entry = AuditLogEntry.objects.get(action="product.create", object_id=str(a.pk))
    assert entry.changes["title"] == [None, "Block Print Kurta"]
    assert OutboxEvent.objects.filter(event_type="catalog.product_created").count() == 3


def test_create_product_with_memberships(owner):
    cat = taxonomy.create_category(name="Kurtas")
    col = taxonomy.create_collection(name="Bestsellers")
    first = services.create_product(title="One", collection_ids=[col.pk])
    with acting_as(Actor(user=owner, label=owner.email)):
        second = services.create_product(
            title="Two", category_ids=[cat.pk], collection_ids=[col.pk], status="active"
        )
    assert list(second.categories.all()) == [cat]
    positions = dict(
        CollectionProduct.objects.filter(collection=col).values_list("product_id", "position")
    )
    assert positions == {first.pk: 0, second.pk: 1}
    entry = AuditLogEntry.objects.get(action="product.create", object_id=str(second.pk))
    assert entry.actor == owner


def test_explicit_duplicate_slug_is_conflict():
    services.create_product(title="A", slug="shirt")
    with pytest.raises(Conflict) as exc:
        services.create_product(title="B", slug="shirt")
    assert exc.value.code == "duplicate_slug"
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "slug": "Bad Slug"}, "slug"),
        ({"title": "ok", "slug": "a" * 221}, "slug"),
        ({"title": "ok", "status": "published"}, "status"),
        ({"title": "ok", "availability": "soon"}, "availability"),
        ({"title": "ok", "availability": "pre_order", "expected_days": 0}, "expected_days"),
        ({"title": "ok", "availability": "pre_order", "expected_days": 366}, "expected_days"),
        ({"title": "ok", "availability": "in_stock", "expected_days": 5}, "expected_days"),
        ({"title": "ok", "seo_title": "x" * 71}, "seo_title"),
        ({"title": "ok", "category_ids": [999]}, "category_ids"),
        ({"title": "ok", "collection_ids": [999]}, "collection_ids"),
    ],
)
def test_create_product_rejects_bad_input(fields, field):
    with pytest.raises(ValidationError) as exc:
        services.create_product(**fields)
    assert exc.value.details["field"] == field
    assert Product.objects.count() == 0
    assert AuditLogEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_update_product_changes_only_given_fields_and_audits_diff():
    cat = taxonomy.create_category(name="Sarees")
    product = services.create_product(
        title="Saree", availability="pre_order", expected_days=10, brand="Haat"
    )
    services.update_product(product=product, title="Silk Saree", category_ids=[cat.pk])
    product.refresh_from_db()
    assert (product.title, product.brand, product.expected_days) == ("Silk Saree", "Haat", 10)
    entry = AuditLogEntry.objects.filter(action="product.update").get()
    assert entry.changes == {"title": ["Saree", "Silk Saree"], "category_ids": [[], [cat.pk]]}
    event = OutboxEvent.objects.get(event_type="catalog.product_updated")
    assert event.payload["fields"] == ["category_ids", "title"]


def test_update_to_in_stock_clears_expected_days():
    product = services.create_product(title="P", availability="pre_order", expected_days=30)
    services.update_product(product=product, availability="in_stock")
    product.refresh_from_db()
    assert product.expected_days is None


def test_update_product_refuses_bad_input_and_changes_nothing():
    services.create_product(title="Taken", slug="taken")
    product = services.create_product(title="Mine")
    with pytest.raises(Conflict):
        services.update_product(product=product, slug="taken", title="New")
    with pytest.raises(ValidationError) as exc:
        services.update_product(product=product, title="New", status="bogus")
    assert exc.value.details["field"] == "status"
    with pytest.raises(ValidationError) as exc:
        services.update_product(product=product, colour="red")
    assert exc.value.code == "unknown_field"
    product.refresh_from_db()
    assert product.title == "Mine"
    assert not AuditLogEntry.objects.filter(action="product.update").exists()


def test_update_product_collections_keeps_existing_positions():
    col_a = taxonomy.create_collection(name="A")
    col_b = taxonomy.create_collection(name="B")
    product = services.create_product(title="P", collection_ids=[col_a.pk])
    services.update_product(product=product, collection_ids=[col_b.pk])
    assert list(product.collections.all()) == [col_b]


def test_no_op_update_writes_no_audit():
    product = services.create_product(title="Same")
    services.update_product(product=product, title="Same")
    assert not AuditLogEntry.objects.filter(action="product.update").exists()


def test_delete_product_records_and_removes():
    product = services.create_product(title="Gone")
    pk = product.pk
    services.delete_product(product=product)
    assert not Product.objects.filter(pk=pk).exists()
    assert AuditLogEntry.objects.filter(action="product.delete", object_id=str(pk)).exists()
    event = OutboxEvent.objects.get(event_type="catalog.product_deleted")
    assert event.payload == {"id": pk, "slug": "gone"}
