"""The currencies and audit-log pages in a real Chromium: the htmx wiring really works.

Playwright runs in its own thread (its own event loop), so this module never clashes with
the session-wide browser of tests/browser when both run in one pytest session.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

import haat
from haat.core.models import AuditLogEntry, Currency
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("HAAT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def browser_required() -> bool:
    """Same rule as tests/browser: skip locally without Chromium, fail in CI."""
    return bool(os.environ.get("CI")) or os.environ.get("HAAT_REQUIRE_BROWSER") == "1"


@pytest.fixture(autouse=True)
def package_static(settings):
    """`src/haat/static` (htmx, CSS) lives outside any app, so only STATICFILES_DIRS finds
    it; haat.settings does not set that yet (reported), so this test does."""
    static = Path(haat.__file__).parent / "static"
    if static not in settings.STATICFILES_DIRS:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static]


@pytest.fixture
def in_browser(live_server, make_staff):
    """Run `scenario(page)` signed in as a new staff member of `role`; re-raises failures.
    (No serialized rollback: tests/conftest.py re-seeds the currencies after a flush.)"""
    if not CHROMIUM.exists():
        if browser_required():
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")

    def run(role: str, scenario: Callable[[Any], None]) -> Any:
        user = make_staff(role)
        outcome: dict[str, BaseException] = {}

        def target() -> None:
            from playwright.sync_api import sync_playwright

            try:
                with sync_playwright() as pw:
                    browser = pw.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                    )
                    context = browser.new_context(base_url=live_server.url)
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    page.goto("/dashboard/login/")
                    page.get_by_label("E-mail").fill(user.email)
                    page.get_by_label("Password").fill(PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url("**/dashboard/")
                    scenario(page)
                    browser.close()
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(120)
        assert not thread.is_alive(), "browser scenario hung"
        if "error" in outcome:
            raise outcome["error"]
        return user

    return run


def test_enable_default_disable_and_reorder(in_browser):
    def scenario(page: Any) -> None:
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

    user = in_browser("owner", scenario)
    assert Currency.objects.get(is_default=True).code == "AED"
    assert not Currency.objects.get(code="INR").enabled
    assert list(
        Currency.objects.filter(enabled=True)
        .order_by("display_order")
        .values_list("code", flat=True)
    ) == ["EUR", "AED"]
    assert AuditLogEntry.objects.filter(action="currency.default_set", actor=user).exists()


def test_audit_filters_update_the_table(in_browser):
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

    def scenario(page: Any) -> None:
        page.goto("/dashboard/settings/audit-log/")
        table = page.locator("#audit-table")
        table.get_by_text("Silk kurta").wait_for()
        page.get_by_label("Action").select_option("stock.adjusted")
        table.get_by_text("Silk kurta").wait_for(state="detached")
        assert "5 → 7" in table.inner_text()
        assert "action=stock.adjusted" in page.url  # filters are kept in the address

    in_browser("owner", scenario)
