"""All dashboard pages live in the `dashboard:` namespace; each context adds its own."""

from django.urls import include, path

from haat.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("haat.accounts.dashboard_urls")),
    path("", include("haat.core.dashboard_urls")),
    path("catalog/", include("haat.catalog.dashboard_urls")),
    path("inventory/", include("haat.inventory.dashboard_urls")),
    path("orders/", include("haat.orders.dashboard_urls")),
    path("payments/", include("haat.payments.dashboard_urls")),
    path("", include("haat.gateways.dashboard_urls")),
]
