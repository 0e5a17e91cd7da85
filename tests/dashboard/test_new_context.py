"""A new context needs its folder and a line in INSTALLED_APPS, nothing else.

`tests/dashboard/loyalty` is a context with a storefront and an admin router, a dashboard
page, a navigation entry with a badge, a home widget, a search source and a public page,
all declared in its own `frontdoor.py`. Installing it (the only setting changed) and
building the site's URLs the way `haat/urls.py` does at start-up shows it everywhere;
uninstalled, it is gone.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from haat.api.api import build_api
from haat.core.registry import contributions
from haat.urls import build_urlpatterns

pytestmark = pytest.mark.django_db

WITH_LOYALTY = [*settings.INSTALLED_APPS, "tests.dashboard.loyalty"]


@pytest.fixture
def loyalty_installed(monkeypatch):
    # The installed site's API already holds the namespace "api"; this one replaces it here.
    monkeypatch.setenv("NINJA_SKIP_REGISTRY", "1")
    with override_settings(INSTALLED_APPS=WITH_LOYALTY):
        urlconf = ModuleType("urls_with_loyalty")
        urlconf.urlpatterns = build_urlpatterns(build_api())
        with override_settings(ROOT_URLCONF=urlconf):
            yield


def test_loyalty_appears_in_the_api(loyalty_installed, store_api, admin_api, client):
    assert store_api.get("/api/v1/store/loyalty/points").json() == {"points": 42}
    assert admin_api("owner").get("/api/v1/admin/loyalty/members").json() == [{"points": 42}]
    assert store_api.get("/api/v1/admin/loyalty/members").status_code == 401
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/store/loyalty/points", "/api/v1/admin/loyalty/members"} <= set(paths)
    assert "/api/v1/store/products" in paths  # next to every installed context's routes


def test_loyalty_appears_in_the_urls(loyalty_installed, client):
    assert reverse("loyalty:overview") == "/dashboard/loyalty/"
    assert reverse("loyalty_public:card", args=["GOLD"]) == "/loyalty/GOLD"
    assert client.get("/loyalty/GOLD").content == b"Loyalty card GOLD"
    assert reverse("catalog:product_list") == "/dashboard/catalog/products/"


def test_loyalty_appears_in_the_navigation_and_home(loyalty_installed, staff_client):
    client = staff_client("owner")
    home = client.get("/dashboard/")
    items = home.context["nav_items"]
    loyalty = next(i for i in items if i["url_name"] == "loyalty:overview")
    assert loyalty == {
        "label": "Loyalty",
        "url": "/dashboard/loyalty/",
        "section": "Marketing",
        "icon": "★",
        "url_name": "loyalty:overview",
        "badge": 3,
        "badge_title": "3 members waiting",
    }
    sections = [i["section"] for i in items]
    assert sections.index("Catalog") < sections.index("Marketing") < sections.index("Settings")
    figures = home.context["figures"]
    assert figures["loyalty"]["members"] == 120
    assert figures["loyalty"]["viewer"] == home.wsgi_request.user.email  # widgets get the user
    cards = [s.widget.name for s in home.context["cards"]]
    assert cards == ["orders", "loyalty", "stock", "catalog"]
    html = home.content.decode()
    assert "Loyalty members" in html and 'title="3 members waiting"' in html
    page = client.get("/dashboard/loyalty/")
    assert page.status_code == 200 and b"Loyalty overview" in page.content
    assert "loyalty:overview" in [i["url_name"] for i in page.context["nav_items"]]


def test_roles_without_the_permission_see_none_of_it(loyalty_installed, staff_client):
    client = staff_client("marketing")
    home = client.get("/dashboard/")
    assert "loyalty:overview" not in [i["url_name"] for i in home.context["nav_items"]]
    assert "loyalty" not in home.context["figures"]
    assert client.get("/dashboard/loyalty/").status_code == 403


def test_uninstalled_it_is_gone():
    assert "loyalty" not in {c.label for c in contributions()}
    with pytest.raises(NoReverseMatch):
        reverse("loyalty:overview")


def test_loyalty_appears_in_the_search(loyalty_installed, staff_client):
    page = staff_client("owner").get("/dashboard/search/", {"q": "gold"}).content.decode()
    assert 'data-kind="loyalty members"' in page and 'href="/loyalty/GOLD"' in page
    assert 'placeholder="Search orders, customers, products, loyalty members…"' in page
    marketing = staff_client("marketing").get("/dashboard/search/", {"q": "gold"})
    assert "GOLD member" not in marketing.content.decode()  # no orders.view, no members
