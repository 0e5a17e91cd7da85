"""Admin reads: filters, annotations, no N+1."""

from __future__ import annotations

import pytest

from haat.catalog import services, taxonomy
from haat.catalog.selectors import (
    admin_product_queryset,
    category_tree,
    price_matrix,
    product_detail,
)
from haat.core.errors import NotFound
from haat.core.money import Money

from .domain_helpers import make_product, make_variant, price

pytestmark = pytest.mark.django_db


def _catalog(n, cat, col, start=0):
    for i in range(start, start + n):
        p = make_product(f"Kurta {i}", sizes=("S", "M"), category_ids=[cat.pk])
        make_variant(p, f"K{i}-S", price("100"), option_values={"Size": "S"})
        make_variant(p, f"K{i}-M", price("120"), option_values={"Size": "M"})
        taxonomy.set_collection_products(collection=col, product_ids=[p.pk])


def _walk(products):
    """What a staff list row reads: the variant count, images and categories."""
    total = 0
    for p in products:
        total += p.variant_count + len(p.images.all()) + len(p.categories.all())
    return total


def test_filters_and_variant_count():
    cat = taxonomy.create_category(name="Kurtas")
    col = taxonomy.create_collection(name="New")
    _catalog(2, cat, col)
    other = make_product("Tote", status="active", availability="pre_order", expected_days=5)
    make_variant(other, "TOTE-RED")
    assert [p.variant_count for p in admin_product_queryset(q="kurta 1")] == [2]
    assert [p.title for p in admin_product_queryset(q="tote-red")] == ["Tote"]
    assert admin_product_queryset(status="active").get() == other
    assert admin_product_queryset(availability="pre_order").get() == other
    assert admin_product_queryset(category_id=cat.pk).count() == 2
    assert [p.title for p in admin_product_queryset(collection_id=col.pk)] == ["Kurta 1"]


def test_listing_is_constant_queries(django_assert_num_queries):
    cat = taxonomy.create_category(name="Kurtas")
    col = taxonomy.create_collection(name="New")
    _catalog(1, cat, col)
    # The products, their images, their categories: nothing a list does not show.
    with django_assert_num_queries(3) as small:
        _walk(admin_product_queryset())
    _catalog(20, cat, col, start=1)
    with django_assert_num_queries(len(small.captured_queries)):
        assert _walk(admin_product_queryset()) > 0


def test_product_detail_and_price_matrix(currencies, django_assert_max_num_queries):
    currencies("USD")
    p = make_product("Kurta", sizes=("S", "M"))
    make_variant(p, "S1", price("100", compare_at="150"), option_values={"Size": "S"})
    make_variant(p, "M1", price("3.50", "USD"), option_values={"Size": "M"})
    detail = product_detail(product_id=p.pk)
    with django_assert_max_num_queries(1):
        rows = price_matrix(product=detail)
    assert [r["sku"] for r in rows] == ["S1", "M1"]
    s_cells = {c["currency"]: c for c in rows[0]["cells"]}
    assert s_cells["INR"]["price"] == Money(10000, "INR")
    assert s_cells["INR"]["compare_at"] == Money(15000, "INR")
    assert s_cells["USD"]["price"] is None
    assert rows[1]["cells"][1]["amount"] == 350
    assert price_matrix(product=p)[0]["title"] == "S"
    with pytest.raises(NotFound):
        product_detail(product_id=999)


def test_category_tree_nested_with_counts():
    root = taxonomy.create_category(name="Clothing")
    kid = taxonomy.create_category(name="Kurtas", parent_id=root.pk)
    taxonomy.create_category(name="Bags")
    services.create_product(title="K", category_ids=[kid.pk])
    tree = category_tree()
    assert [n["name"] for n in tree] == ["Bags", "Clothing"]
    clothing = tree[1]
    assert clothing["product_count"] == 0
    assert [(c["name"], c["product_count"]) for c in clothing["children"]] == [("Kurtas", 1)]
