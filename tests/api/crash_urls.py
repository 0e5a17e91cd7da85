"""URLs for the error-body tests: Haat's URLs plus a Django view and a ninja operation
under /api/ that crash, with Haat's error handlers installed on both."""

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from haat.api.errors import install_error_handlers
from haat.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

crash_api = NinjaAPI(urls_namespace="crash-api", docs_url=None, openapi_url=None)
install_error_handlers(crash_api)


@crash_api.get("/boom")
def ninja_boom(request: HttpRequest):
    raise RuntimeError("a bug")


def django_boom(request: HttpRequest):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/test-crash/", crash_api.urls),
    path("api/test-django-crash", django_boom),
    *urlpatterns,
]
