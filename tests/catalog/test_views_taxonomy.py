"""Dashboard categories (tree) and collections (ordered product picks)."""

from __future__ import annotations

import re

import pytest

from haat.catalog import taxonomy
from haat.catalog.models import Category, Collection, CollectionProduct
from tests.catalog.domain_helpers import make_product

pytestmark = pytest.mark.django_db

CATEGORIES = "/dashboard/catalog/categories/"
COLLECTIONS = "/dashboard/catalog/collections/"


def members(collection: Collection) -> list[str]:
    return list(
        CollectionProduct.objects.filter(collection=collection)
        .order_by("position")
        .values_list("product__title", flat=True)
    )


def test_category_tree_is_indented_with_counts(staff_client):
    women = taxonomy.create_category(name="Women")
    sarees = taxonomy.create_category(name="Sarees", parent_id=women.pk)
    make_product("Banarasi", category_ids=[sarees.pk])
    make_product("Kanjeevaram", category_ids=[sarees.pk])
    html = staff_client("owner").get(CATEGORIES).content.decode()
    depths = re.findall(r'<tr data-depth="(\d)">', html)
    assert depths == ["0", "1"]
    assert f'?category={sarees.pk}">2</a>' in html
    assert "New category" in html


def test_create_child_category(staff_client):
    parent = taxonomy.create_category(name="Home")
    response = staff_client("owner").post(
        CATEGORIES, {"name": "Lamps", "parent": parent.pk, "position": "0"}
    )
    assert response.status_code == 302
    assert Category.objects.get(name="Lamps").parent == parent


def test_create_category_duplicate_slug_shows_error(staff_client):
    taxonomy.create_category(name="Home", slug="home")
    response = staff_client("owner").post(CATEGORIES, {"name": "Home 2", "slug": "home"})
    assert response.status_code == 422
    assert "already used" in response.content.decode()
    assert Category.objects.count() == 1


def test_edit_category_refuses_a_cycle(staff_client):
    parent = taxonomy.create_category(name="Home")
    child = taxonomy.create_category(name="Lamps", parent_id=parent.pk)
    client = staff_client("owner")
    response = client.post(
        f"{CATEGORIES}{parent.pk}/", {"name": "Home", "slug": "home", "parent": child.pk}
    )
    assert response.status_code == 422
    parent.refresh_from_db()
    assert parent.parent_id is None
    response = client.post(f"{CATEGORIES}{child.pk}/", {"name": "Lights", "slug": "lights"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.name, child.parent_id) == ("Lights", None)


def test_delete_category_with_children_is_refused_with_a_flash(staff_client):
    parent = taxonomy.create_category(name="Home")
    leaf = taxonomy.create_category(name="Lamps", parent_id=parent.pk)
    client = staff_client("owner")
    response = client.post(f"{CATEGORIES}{parent.pk}/delete/", follow=True)
    assert "Could not delete “Home”" in response.content.decode()
    assert Category.objects.filter(pk=parent.pk).exists()
    client.post(f"{CATEGORIES}{leaf.pk}/delete/")
    assert not Category.objects.filter(pk=leaf.pk).exists()


def test_category_writes_forbidden_for_support(staff_client):
    cat = taxonomy.create_category(name="Home")
    client = staff_client("support")
    html = client.get(CATEGORIES).content.decode()
    assert "Home" in html and "New category" not in html
    assert client.post(CATEGORIES, {"name": "X"}).status_code == 403
    assert client.post(f"{CATEGORIES}{cat.pk}/delete/").status_code == 403
    assert Category.objects.count() == 1


def test_collection_create_add_search_order_remove(staff_client):
    lamp, saree, kurta = (make_product(t) for t in ("Brass Lamp", "Silk Saree", "Kurta"))
    client = staff_client("marketing")
    response = client.post(COLLECTIONS, {"name": "Diwali gifts", "is_published": "on"})
    collection = Collection.objects.get()
    assert response["Location"] == f"{COLLECTIONS}{collection.pk}/"
    url = f"{COLLECTIONS}{collection.pk}/products/"
    for product in (lamp, saree, kurta):
        client.post(url, {"op": "add", "product_id": product.pk})
    assert members(collection) == ["Brass Lamp", "Silk Saree", "Kurta"]
    client.post(url, {"op": "up", "product_id": kurta.pk})
    assert members(collection) == ["Brass Lamp", "Kurta", "Silk Saree"]
    client.post(url, {"op": "remove", "product_id": lamp.pk})
    assert members(collection) == ["Kurta", "Silk Saree"]
    search = client.get(f"{COLLECTIONS}{collection.pk}/search/", {"q": "lamp"}).content.decode()
    assert "Brass Lamp" in search and ">Add</button>" in search
    page = client.get(f"{COLLECTIONS}{collection.pk}/").content.decode()
    assert page.index("Kurta") < page.index("Silk Saree")


def test_collection_list_counts_and_edit(staff_client):
    collection = taxonomy.create_collection(
        name="Bestsellers", product_ids=[make_product("A").pk, make_product("B").pk]
    )
    client = staff_client("owner")
    html = client.get(COLLECTIONS).content.decode()
    assert f'?collection={collection.pk}">2</a>' in html
    response = client.post(
        f"{COLLECTIONS}{collection.pk}/", {"name": "Top picks", "slug": "top-picks"}
    )
    assert response.status_code == 302
    collection.refresh_from_db()
    assert (collection.name, collection.is_published) == ("Top picks", False)
    response = client.post(f"{COLLECTIONS}{collection.pk}/", {"name": "", "slug": "x"})
    assert response.status_code == 422
    collection.refresh_from_db()
    assert collection.name == "Top picks"


def test_collection_writes_forbidden_for_fulfilment(staff_client):
    collection = taxonomy.create_collection(name="Bestsellers")
    client = staff_client("fulfilment")
    assert client.get(COLLECTIONS).status_code == 200
    assert client.get(f"{COLLECTIONS}{collection.pk}/").status_code == 403
    assert client.post(COLLECTIONS, {"name": "X"}).status_code == 403
    assert client.post(f"{COLLECTIONS}{collection.pk}/delete/").status_code == 403
    assert Collection.objects.count() == 1
