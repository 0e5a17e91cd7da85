"""The currency and audit-log pages in a real Chromium (htmx swaps, filters in the URL)."""

from __future__ import annotations

import pytest

from haat.core.models import AuditLogEntry, Currency

pytestmark = pytest.mark.browser


def test_enable_default_disable_and_reorder(signed_in_page):
    page = signed_in_page("owner")
    page.goto("/dashboard/settings/currencies/")
    page.get_by_label("Search currencies").fill("dirham")
    page.get_by_role("button", name="Enable AED").click()
    page.locator('#currency-table tr[data-code="AED"]').wait_for()
    page.get_by_text("AED is now enabled.").wait_for()
    assert page.locator("#currency-search-results tr").count() == 0

    page.locator('tr[data-code="AED"]').get_by_role("button", name="Make default").click()
    page.get_by_text("AED is now the default currency.").wait_for()

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label(
        "INR enabled"
    ).click()  # the row is swapped out; uncheck() would re-check state
    page.get_by_text("INR is now disabled.").wait_for()
    page.locator('tr[data-code="INR"]').wait_for(state="detached")

    page.get_by_label("Search currencies").fill("euro")
    page.get_by_role("button", name="Enable EUR").click()
    page.locator('#currency-table tr[data-code="EUR"]').wait_for()
    page.get_by_label("Position of EUR").fill("1")
    page.get_by_label("Position of AED").fill("2")
    page.get_by_role("button", name="Save order").click()
    page.get_by_text("Display order saved.").wait_for()
    assert page.locator("#currency-table tbody tr").first.get_attribute("data-code") == "EUR"

    user = page.staff_user
    assert Currency.objects.get(is_default=True).code == "AED"
    assert not Currency.objects.get(code="INR").enabled
    assert list(
        Currency.objects.filter(enabled=True)
        .order_by("display_order")
        .values_list("code", flat=True)
    ) == ["EUR", "AED"]
    assert AuditLogEntry.objects.filter(action="currency.default_set", actor=user).exists()


def test_audit_filters_update_the_table(signed_in_page):
    AuditLogEntry.objects.create(
        actor_label="erp",
        action="stock.adjusted",
        object_type="inventory.stock",
        object_id="9",
        changes={"on_hand": [5, 7]},
    )
    AuditLogEntry.objects.create(
        actor_label="asha",
        action="product.updated",
        object_type="catalog.product",
        object_id="1",
        changes={"title": ["Kurta", "Silk kurta"]},
    )

    page = signed_in_page("owner")
    page.goto("/dashboard/settings/audit-log/")
    table = page.locator("#audit-table")
    table.get_by_text("Silk kurta").wait_for()
    page.get_by_label("Action").select_option("stock.adjusted")
    table.get_by_text("Silk kurta").wait_for(state="detached")
    assert "5 → 7" in table.inner_text()
    assert "action=stock.adjusted" in page.url  # filters are kept in the address
