"""The dashboard's search box: orders by number, customers by name, e-mail or phone,
products by name or SKU; grouped by kind, linked, and only what the role may see."""

from __future__ import annotations

import pytest

from haat.orders.models import Order
from tests.checkout.helpers import make_variant

pytestmark = pytest.mark.django_db

SEARCH = "/dashboard/search/"


def groups(client, q: str) -> str:
    r = client.get(SEARCH, {"q": q})
    assert r.status_code == 200
    return r.content.decode()


def test_an_order_by_its_number(staff_client, meera):
    o = Order.objects.filter(customer_id=meera.pk).first()
    for q in (o.number, o.number.lower(), o.number.removeprefix("HT-")):
        page = groups(staff_client("support"), q)
        assert 'data-kind="orders"' in page and f"/dashboard/orders/{o.number}/" in page, q
        assert "Meera Iyer" in page and "Confirmed" in page


@pytest.mark.parametrize("q", ["meera", "Iyer", "meera@example", "098450 12345", "+919845012345"])
def test_a_customer_by_name_email_or_phone(staff_client, meera, q):
    page = groups(staff_client("support"), q)
    assert 'data-kind="customers"' in page and f"/dashboard/customers/{meera.pk}/" in page, q
    assert "5 orders" in page


def test_products_by_name_or_sku(staff_client, variant):
    for q in ("kurta", "KL-KUR-004"):
        page = groups(staff_client("support"), q)
        assert 'data-kind="products"' in page, q
        assert f"/dashboard/catalog/products/{variant.product_id}/" in page
        assert "Block-print Kurta" in page and "KL-KUR-004-L" in page


def test_results_respect_the_role(staff_client, meera):
    o = Order.objects.filter(customer_id=meera.pk).first()
    marketing = staff_client("marketing")
    page = groups(marketing, o.number)
    assert 'data-kind="orders"' not in page and f"/dashboard/orders/{o.number}/" not in page
    page = groups(marketing, "meera")
    assert 'data-kind="customers"' not in page and "Nothing found" in page
    assert 'placeholder="Search products…"' in page


def test_more_than_a_page_links_to_the_filtered_list(staff_client, warehouse):
    for i in range(10):
        make_variant(title=f"Indigo Stole {i}", sku=f"STOLE-{i}")
    page = groups(staff_client("owner"), "indigo stole")
    assert page.count("Indigo Stole") >= 8
    assert "/dashboard/catalog/products/?q=indigo+stole" in page


def test_short_blank_and_hostile_queries(staff_client, meera):
    client = staff_client("support")
    assert "at least two characters" in groups(client, "m")
    assert "Nothing found" not in groups(client, "   ")
    page = groups(client, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page and "Nothing found" in page
    assert client.get(SEARCH, {"q": "a\x00b"}).status_code == 422  # the middleware
    assert groups(client, "x" * 500)  # cut to 100 characters, no error


def test_search_costs_a_fixed_number_of_queries(
    staff_client, meera, variant, django_assert_max_num_queries
):
    client = staff_client("owner")
    client.get(SEARCH, {"q": "meera"})
    with django_assert_max_num_queries(8):  # session, user, one per source (+ badges)
        client.get(SEARCH, {"q": "HT-10001"})
    with django_assert_max_num_queries(8):
        client.get(SEARCH, {"q": "meera"})


def test_signed_out_is_sent_to_sign_in(client, db):
    r = client.get(SEARCH, {"q": "meera"})
    assert r.status_code == 302 and "login" in r["Location"]
