"""The dashboard's URLs, mounted at /dashboard/ by `haat/urls.py`: its home
(`dashboard:home`) and search (`dashboard:search`), then each installed context's pages
under the prefix and in the URL namespace its `frontdoor.py` declares
(`catalog:product_list` is /dashboard/catalog/products/)."""

from django.urls import URLPattern, URLResolver, include, path

from haat.core.registry import contributions
from haat.dashboard import views

home = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]


def dashboard_urlpatterns() -> list[URLPattern | URLResolver]:
    return [
        path("", include((home, "dashboard"))),
        *(
            path(c.dashboard.prefix, include((c.dashboard.urls.urlpatterns, c.dashboard.namespace)))
            for c in contributions()
            if c.dashboard
        ),
    ]
