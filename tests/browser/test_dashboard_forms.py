"""Dashboard forms in a real Chromium: a stock dialog keeps its error inside the dialog,
the stock list's actions are in view at 1280 px and nothing scrolls sideways at 390 px,
and the product editor saves everything at once and warns before unsaved changes are lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from haat.catalog.models import Product, VariantPrice
from haat.inventory.models import StockMovement
from tests.catalog.domain_helpers import make_product, make_variant, price
from tests.inventory.conftest import make_location, receive

SHOTS = Path("/tmp/haat-shots")

pytestmark = pytest.mark.browser


@pytest.fixture
def stocked(db):
    main = make_location("jaipur", 1, name="Jaipur warehouse")
    shop = make_location("johari", 2, name="Johari Bazaar shop")
    kurta = make_product("Ajrakh Block-print Kurta – Madder Red", sizes=("S", "M", "XL"))
    variants = []
    for size in ("S", "M", "XL"):
        v = make_variant(
            kurta, f"KL-KUR-006-{size}-LONGSKU", price("2499.00"), option_values={"Size": size}
        )
        receive(v, main, 20)
        receive(v, shop, 3)
        variants.append(v)
    return kurta, variants


def _no_sideways_scroll(page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_receive_dialog_shows_a_bad_quantity_inline(signed_in_page, stocked):
    page = signed_in_page("manager")
    page.goto("/dashboard/inventory/stock/")
    row = page.locator("#stock-table tr", has_text="KL-KUR-006-S-LONGSKU")
    row.get_by_role("link", name="Receive").click()
    dialog = page.locator("dialog#stock-op")
    dialog.wait_for()
    quantity = dialog.locator("input[name=quantity]")
    assert quantity.get_attribute("min") == "1" and quantity.get_attribute("max") == "1000000"
    quantity.fill("0")
    dialog.get_by_role("button", name="Receive stock").click()
    dialog.locator(".field-error").wait_for()
    assert "Enter at least 1." in dialog.inner_text()
    assert page.url.endswith("/dashboard/inventory/stock/")  # still on the list
    assert quantity.get_attribute("aria-invalid") == "true"
    assert StockMovement.objects.filter(reason="receipt").count() == 6  # nothing new
    page.screenshot(path=str(SHOTS / "stock-receive-error.png"))
    quantity.fill("5")
    dialog.get_by_role("button", name="Receive stock").click()
    page.wait_for_selector("text=Receive stock: KL-KUR-006-S-LONGSKU saved.")
    assert page.locator("dialog#stock-op").count() == 0


def test_stock_list_actions_in_view_at_1280_and_no_sideways_scroll_at_390(signed_in_page, stocked):
    page = signed_in_page("manager")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/dashboard/inventory/stock/")
    for link in page.locator("#stock-table .row-actions a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280, box
    _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "stock-list-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (
        "/dashboard/inventory/stock/",
        "/dashboard/inventory/stock/bulk/",
        f"/dashboard/catalog/products/{stocked[0].pk}/",
        "/dashboard/payments/rules/",
    ):
        page.goto(path)
        _no_sideways_scroll(page)
    page.goto("/dashboard/inventory/stock/")
    link = page.locator("#stock-table .row-actions a").first
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390


def test_product_editor_saves_once_and_warns_before_losing_changes(signed_in_page, stocked):
    kurta, (small, *_rest) = stocked
    page = signed_in_page("manager")
    page.goto(f"/dashboard/catalog/products/{kurta.pk}/")
    assert page.inner_text("[data-save-state]") == "No unsaved changes"
    stock = page.inner_text("#variant-stock")
    assert "Jaipur warehouse" in stock and "Johari Bazaar shop" in stock
    assert page.locator("#save-bar button").count() == 1

    # Change the title, a variant's weight and a price: the page knows it is unsaved.
    page.fill("#id_title", "Ajrakh Kurta – Madder Red")
    page.fill(f"input[name=v{small.pk}-weight_grams]", "320")
    page.fill(f"[aria-label='{small.sku} price in INR']", "2299.00")
    assert page.inner_text("[data-save-state]") == "Unsaved changes"

    # Leaving asks first; staying keeps the typed values.
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.get_by_role("link", name="← Products").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.input_value("#id_title") == "Ajrakh Kurta – Madder Red"

    # One save writes all three, and then nothing is unsaved.
    page.click("#save-bar button")
    page.wait_for_selector("text=Saved “Ajrakh Kurta – Madder Red”.")
    kurta = Product.objects.get(pk=kurta.pk)
    small.refresh_from_db()
    assert kurta.title == "Ajrakh Kurta – Madder Red" and small.weight_grams == 320
    assert VariantPrice.objects.get(variant=small, currency_id="INR").amount == 229900
    assert page.inner_text("[data-save-state]") == "No unsaved changes"
    page.screenshot(path=str(SHOTS / "product-editor-saved.png"), full_page=True)
    page.get_by_role("link", name="← Products").click()
    page.wait_for_url("**/catalog/products/")
    assert dialogs == ["beforeunload"]  # no second warning once saved
