"""Customers and the dashboard's search box in a real Chromium: type in the shell's box,
land on grouped results, follow a customer to the profile, add a note (and see a refused
one explained next to the field), and search the customers list as you type (htmx)."""

from __future__ import annotations

import pytest

from haat.customers.models import CustomerNote
from tests.checkout.helpers import make_location, make_variant
from tests.customers import builders as b

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db):
    make_location("main")
    variant = make_variant(stock=50, sku="KL-KUR-004-L", title="Block-print Kurta")
    meera = b.customer("meera@example.in", "98450 12345", "Meera Iyer")
    order = b.order(meera, variant, amount=249900)
    ravi = b.customer("ravi@example.in", "9000000001", "Ravi Kumar")
    b.order(ravi, variant)
    return meera, order


def test_search_from_the_shell_to_a_profile_and_a_note(signed_in_page, shop):
    meera, order = shop
    page = signed_in_page("support", full_name="Rahul Verma")
    box = page.get_by_role("search").get_by_label("Search orders, customers, products")
    box.fill("98450 12345")
    box.press("Enter")
    page.wait_for_url("**/dashboard/search/?q=98450+12345")
    customers = page.locator('[data-kind="customers"]')
    assert customers.get_by_role("link").all_inner_texts() == ["Meera Iyer"]
    assert page.locator('[data-kind="orders"]').count() == 0

    # An order number finds the order; a SKU finds the product.
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill(order.number)
    box.press("Enter")
    page.locator('[data-kind="orders"]').get_by_role("link", name=order.number).wait_for()
    page.goto("/dashboard/search/?q=KL-KUR")
    page.locator('[data-kind="products"]').get_by_role("link", name="Block-print Kurta").wait_for()

    page.goto("/dashboard/search/?q=meera")
    page.get_by_role("link", name="Meera Iyer").click()
    page.wait_for_url(f"**/dashboard/customers/{meera.pk}/")
    page.get_by_text("₹2,499.00 due on delivery").wait_for()

    page.get_by_role("button", name="Add note").click()  # empty: refused next to the field
    page.locator("#note-errors").get_by_text("This field is required.").wait_for()
    page.get_by_label("Add a note").fill("Prefers calls after 6 pm.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added.").wait_for()
    page.locator("#notes").get_by_text("Rahul Verma").wait_for()
    assert CustomerNote.objects.get().body == "Prefers calls after 6 pm."


def test_the_customers_list_filters_as_you_type(signed_in_page, shop):
    page = signed_in_page("support")
    page.goto("/dashboard/customers/")
    rows = page.locator("#customer-table tbody tr")
    assert rows.count() == 2
    page.get_by_label("Search customers").fill("ravi@")
    page.wait_for_url("**/dashboard/customers/?q=ravi%40")
    page.locator("#customer-table").get_by_role("link", name="Ravi Kumar").wait_for()
    assert rows.count() == 1


def test_a_role_without_orders_searches_products_only(signed_in_page, shop):
    _, order = shop
    page = signed_in_page("marketing")
    page.goto(f"/dashboard/search/?q={order.number}")
    page.get_by_text("Nothing found").wait_for()
    assert (
        page.get_by_role("search").first.get_by_role("searchbox").get_attribute("placeholder")
        == "Search products…"
    )
