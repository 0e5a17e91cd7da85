"""Browser-test fixtures: Playwright (sync API) driving Debian's Chromium against a live server.

How to write a browser test (put it in `tests/browser/test_<context>_<page>.py`)::

    import pytest

    pytestmark = pytest.mark.browser

    def test_products_list(signed_in_page, tmp_path):
        page = signed_in_page("manager")          # signed in through the real login form
        page.goto("/dashboard/catalog/products/")  # relative to the live server
        page.get_by_role("link", name="New product").click()
        page.screenshot(path=tmp_path / "products.png")

Fixtures
- `browser` (session): one headless Chromium from `/usr/bin/chromium`.
- `live_url`: the live server's base URL (pytest-django's `live_server`, in a thread).
- `page`: a fresh browser context and page for this test; `page.goto("/path")` works.
- `signed_in_page(role="owner", **fields) -> Page`: creates a staff user of that role
  (with `make_staff`), signs in at /dashboard/login/ and waits for the dashboard home.
  Each call opens a new context, so one test can have several people at once;
  `page.staff_user` is the user.
- `browser_artifacts`: folder kept after the run (`test-results/`); a failing test's
  page is saved there as a screenshot automatically.

Data: tests using these fixtures run with a transactional database that the live server
shares; create rows in the test before loading pages. Seed rows from migrations (INR and the
other currencies) are put back for each test by `_reference_data` in tests/conftest.py.

Chromium missing: the tests skip locally, but fail when `CI` or `HAAT_REQUIRE_BROWSER=1` is
set (`.ci/run` sets both), so CI cannot pass without running them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("HAAT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("HAAT_BROWSER_ARTIFACTS", "test-results"))
TIMEOUT_MS = 10_000


def browser_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("HAAT_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if browser_required():
        pytest.fail(f"{reason} (required because CI or HAAT_REQUIRE_BROWSER=1 is set)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM}; install Debian's `chromium` package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        # Close the connections opened while the loop was marked running (they live in
        # their own storage), so the test database can be dropped at the end.
        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_url(live_server, transactional_db) -> str:
    # Rows seeded by migrations (the ISO currencies) are put back after each flush by
    # `_reference_data` in tests/conftest.py, so no serialized rollback is needed.
    return live_server.url


@pytest.fixture
def browser_artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(browser, live_url, request) -> Iterator[Callable[[], Any]]:
    """Factory of isolated pages (own cookies); all are closed after the test."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_failure_screenshots(contexts, request.node.nodeid)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Any:
    return new_page()


@pytest.fixture
def signed_in_page(new_page, make_staff) -> Callable[..., Any]:
    def sign_in(role: str = "owner", **fields: Any) -> Any:
        user = make_staff(role, **fields)
        page = new_page()
        page.goto("/dashboard/login/")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/dashboard/$"))
        page.staff_user = user
        return page

    return sign_in


def _save_failure_screenshots(contexts: list[Any], nodeid: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
    for n, context in enumerate(contexts):
        for m, page in enumerate(context.pages):
            try:
                page.screenshot(path=ARTIFACTS / f"{stem}-{n}-{m}.png", full_page=True)
            except Exception:
                continue


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
