"""The dashboard shell: navigation by role, the home figures, the low-stock badge."""

from __future__ import annotations

import re

import pytest

from haat.catalog import services as catalog
from haat.dashboard.navigation import current_url
from haat.inventory import locations, services

pytestmark = pytest.mark.django_db


def _nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def test_owner_sees_every_section(staff_client):
    labels = _nav_labels(staff_client("owner").get("/dashboard/"))
    for label in ("Products", "Stock", "Orders", "Currencies", "Staff", "API keys", "Audit log"):
        assert label in labels


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        ("support", {"Staff", "API keys", "Currencies", "Import / export", "Audit log"}),
        ("fulfilment", {"Staff", "API keys", "Currencies", "Audit log"}),
        ("marketing", {"Staff", "API keys", "Orders", "Audit log"}),
        ("manager", {"Staff", "API keys"}),
    ],
)
def test_navigation_hides_what_the_role_cannot_use(staff_client, role, hidden):
    labels = set(_nav_labels(staff_client(role).get("/dashboard/")))
    assert labels and not labels & hidden


def test_home_shows_real_catalog_figures(staff_client):
    product = catalog.create_product(title="Indigo Kurta", status="active")
    catalog.create_variant(product=product, sku="KUR-M")
    catalog.create_variant(product=product, sku="KUR-L")
    catalog.create_product(title="Draft Stole")
    response = staff_client("owner").get("/dashboard/")
    figures = response.context["figures"]
    assert figures["catalog"]["products"] == {"total": 2, "active": 1, "draft": 1, "archived": 0}
    assert figures["catalog"]["variants"] == 2
    assert "INR" in figures["catalog"]["currencies"]
    # The active product has no price yet: the warning says so.
    assert figures["products_without_price"] == 1
    html = response.content.decode()
    assert "1 active product</a> has no price yet" in html
    unpriced = staff_client("owner").get("/dashboard/catalog/products/?status=active&price=none")
    listed = unpriced.content.decode().split('id="product-results"')[1]
    assert "Indigo Kurta" in listed and "Draft Stole" not in listed


def test_low_stock_badge_counts_variants_to_restock(staff_client):
    product = catalog.create_product(title="Mug", status="active")
    low = catalog.create_variant(product=product, sku="MUG-1")
    plenty = catalog.create_variant(product=product, sku="MUG-2")
    location = locations.create_location(name="Main", code="main")
    services.receive_stock(variant_id=low.pk, location_id=location.pk, quantity=2)
    services.receive_stock(variant_id=plenty.pk, location_id=location.pk, quantity=50)
    items = staff_client("fulfilment").get("/dashboard/").context["nav_items"]
    badge = next(i for i in items if i["url_name"] == "inventory:low_stock")
    assert badge["badge"] == 1
    assert badge["badge_title"] == "1 variant to restock"
    html = staff_client("fulfilment").get("/dashboard/").content.decode()
    assert '<span class="nav-badge" title="1 variant to restock">1</span>' in html


def test_home_shows_todays_orders_and_stock_to_restock(staff_client, store_api):
    from tests.checkout.helpers import checkout_body, fill_cart, make_variant

    variant = make_variant(price="1299.00", stock=3)
    token = fill_cart(store_api, variant, quantity=1)
    response = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body())
    assert response.status_code == 201, response.content

    owner_home = staff_client("owner").get("/dashboard/")
    figures = owner_home.context["figures"]
    assert figures["orders"]["today"] == 1
    assert [str(m) for m in figures["orders"]["sales_today"]] == ["1299.00 INR"]
    assert figures["stock"] == {"low": 1, "out": 0}  # 2 left, at or below the default of 5
    assert "₹1,299.00" in owner_home.content.decode()


@pytest.mark.parametrize(
    ("role", "queries"),
    # session, user and the settings stamp of the store's details (3), then each widget
    # the role may see: orders 3, the 30-day chart 2 (the store's time zone, one grouped
    # query), orders waiting on the team 2 (the first eight, the count at each step),
    # stock 2, catalog 5 + 1 (products without a price), recent activity 1 (+1 per kind
    # of object it names). The badge is cached.
    [("owner", 19), ("manager", 19), ("fulfilment", 18), ("support", 18), ("marketing", 11)],
)
def test_home_query_count(staff_client, django_assert_num_queries, role, queries):
    client = staff_client(role)
    client.get("/dashboard/")  # caches the low-stock badge
    with django_assert_num_queries(queries):
        assert client.get("/dashboard/").status_code == 200


def test_home_shows_only_what_the_role_may_see(staff_client):
    figures = staff_client("marketing").get("/dashboard/").context["figures"]
    assert "orders" not in figures and "recent_activity" not in figures
    assert "catalog" in figures and "stock" in figures


def _current(html: str) -> list[str]:
    """The labels of the navigation links marked as the current page."""
    return re.findall(r'aria-current="page"><span class="icon"[^>]*>[^<]*</span>([^<]+)', html)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/dashboard/", ["Home"]),
        ("/dashboard/payments/rules/", ["Payment rules"]),
        ("/dashboard/orders/", ["Orders"]),
        ("/dashboard/inventory/stock/low/", ["Low stock"]),
        ("/dashboard/inventory/stock/", ["Stock"]),
        ("/dashboard/inventory/stock/report/", ["Stock"]),
    ],
)
def test_navigation_marks_only_the_best_matching_link(staff_client, path, current):
    # "Payments" links to /dashboard/payments/ and "Payment rules" to a page under it:
    # only the longest link the page's address starts with is the current one.
    response = staff_client("owner").get(path)
    assert response.status_code == 200
    assert _current(response.content.decode()) == current


def test_current_url_is_the_longest_prefix_on_a_path_boundary():
    urls = ["/dashboard/", "/dashboard/payments/", "/dashboard/payments/rules/", "/dashboard/pay/"]
    assert current_url(urls, "/dashboard/payments/rules/7/") == "/dashboard/payments/rules/"
    assert current_url(urls, "/dashboard/payments/") == "/dashboard/payments/"
    assert current_url(urls, "/dashboard/payments") == "/dashboard/payments/"
    assert current_url(urls, "/dashboard/") == "/dashboard/"
    # Home matches only itself: every page's address starts with /dashboard/.
    assert current_url(urls, "/dashboard/catalog/products/") is None
    assert current_url(["/dashboard/orders/"], "/dashboard/orders-archive/") is None
