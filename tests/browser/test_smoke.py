"""The dashboard in a real browser: sign-in page, signing in, the home figures."""

import re

import pytest
from playwright.sync_api import expect

from haat.catalog.services import create_product

pytestmark = pytest.mark.browser


def test_login_page_renders(page):
    page.goto("/dashboard/")
    assert re.search(r"/dashboard/login/\?next=/dashboard/$", page.url)
    expect(page.get_by_role("heading", name=re.compile("Sign in"))).to_be_visible()
    expect(page.get_by_label("E-mail")).to_be_visible()


def test_dashboard_styles_and_scripts_are_served(page):
    page.goto("/dashboard/login/")
    assets = page.eval_on_selector_all(
        "link[rel=stylesheet], script[src]", "els => els.map(e => e.href || e.src)"
    )
    assert any(a.endswith(".css") for a in assets)
    for url in assets:
        assert page.request.get(url).status == 200, url


def test_wrong_password_is_refused(page, owner):
    page.goto("/dashboard/login/")
    page.get_by_label("E-mail").fill(owner.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "/dashboard/login/" in page.url


def test_owner_signs_in_and_sees_figures(signed_in_page, tmp_path):
    create_product(title="Indigo Block-Print Kurta", status="active")
    create_product(title="Ikat Kurta", status="draft")
    page = signed_in_page("owner", full_name="Asha Owner")
    expect(page.get_by_role("heading", name="Welcome back, Asha Owner")).to_be_visible()
    products = page.locator(".stat", has_text="Products")
    expect(products.locator(".stat-value")).to_have_text("2")
    expect(products.locator(".stat-sub")).to_contain_text("1 active")
    currencies = page.locator(".stat", has_text="Currencies").locator(".stat-value")
    expect(currencies).to_contain_text("INR")
    shot = tmp_path / "dashboard-home.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000


def test_api_docs_page_lists_the_endpoints(page, browser_artifacts):
    page.goto("/api/v1/docs")
    page.get_by_text("store: catalog").first.wait_for()
    page.get_by_text("/api/v1/store/carts/{token}/checkout").first.wait_for()
    page.screenshot(path=str(browser_artifacts / "api-docs.png"))
