"""Gateway settings in the dashboard. `haat/dashboard/urls.py` includes this with
`path("", include("haat.gateways.dashboard_urls"))` (the paths carry their prefix)."""

from django.urls import path

from haat.gateways import views

urlpatterns = [
    path("payments/gateways/", views.gateway_settings, name="gateway_settings"),
    path(
        "payments/gateways/<str:code>/",
        views.gateway_settings_save,
        name="gateway_settings_save",
    ),
]
