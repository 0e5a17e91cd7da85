"""Payment pages, under /dashboard/payments/ as `payments:` (payments/frontdoor.py)."""

from django.urls import path

from haat.payments import views

urlpatterns = [
    path("", views.payment_settings, name="payment_settings"),
    path("rules/", views.payment_rules, name="payment_rules"),
    path("cod-remittance/", views.cod_remittance, name="cod_remittance"),
]
