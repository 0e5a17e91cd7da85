from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import include, path
from django.views.static import serve

from haat.api.api import api
from haat.core.views import health


def root(request: HttpRequest):
    return redirect("dashboard:home")


# Under /api/ every error Django answers itself is the JSON error body too.
handler400 = "haat.api.errors.handler400"
handler403 = "haat.api.errors.handler403"
handler404 = "haat.api.errors.handler404"
handler500 = "haat.api.errors.handler500"

urlpatterns = [
    path("", root),
    path("health", health, name="health"),
    path("api/v1/", api.urls),
    path("dashboard/", include("haat.dashboard.urls")),
    # Payment gateway webhooks and the built-in test gateway's hosted page.
    path("", include("haat.gateways.urls")),
    # Haat's own pay page for payment links (/pay/<order token>).
    path("", include("haat.payments.paypage")),
    # Uploaded media. Behind a CDN or object storage in production (docs/deploy.md).
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
