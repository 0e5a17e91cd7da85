from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve
from ninja import NinjaAPI

from haat.api.api import api
from haat.core.registry import contributions
from haat.core.views import health
from haat.dashboard.urls import dashboard_urlpatterns


def root(request: HttpRequest):
    return redirect("dashboard:home")


# Under /api/ every error Django answers itself is the JSON error body too.
handler400 = "haat.api.errors.handler400"
handler403 = "haat.api.errors.handler403"
handler404 = "haat.api.errors.handler404"
handler500 = "haat.api.errors.handler500"


def build_urlpatterns(api: NinjaAPI) -> list[URLPattern | URLResolver]:
    """The site's URLs with `api` at /api/v1/ and every installed context's pages."""
    return [
        path("", root),
        path("health", health, name="health"),
        path("api/v1/", api.urls),
        path("dashboard/", include(dashboard_urlpatterns())),
        # Pages at the site root: payment gateway webhooks, the built-in test gateway's
        # hosted page, Haat's own pay page for payment links (/pay/<order token>).
        *(
            path(c.public.prefix, include((c.public.urls.urlpatterns, c.public.namespace)))
            for c in contributions()
            if c.public
        ),
        # Uploaded media. Behind a CDN or object storage in production (docs/deploy.md).
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]


urlpatterns = build_urlpatterns(api)
