"""Gateway settings in the dashboard as `gateways:` (gateways/frontdoor.py), mounted at
/dashboard/ with no prefix: the paths carry theirs (payments/gateways/)."""

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
