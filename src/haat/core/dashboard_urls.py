"""Dashboard pages of the core context, under /dashboard/settings/ as `core:`
(core/frontdoor.py)."""

from django.urls import path

from haat.core import views_audit, views_currencies, views_store

urlpatterns = [
    path("settings/currencies/", views_currencies.currency_list, name="currency_list"),
    path("settings/currencies/search/", views_currencies.currency_search, name="currency_search"),
    path(
        "settings/currencies/reorder/",
        views_currencies.currency_reorder,
        name="currency_reorder",
    ),
    path(
        "settings/currencies/<str:code>/",
        views_currencies.currency_update,
        name="currency_update",
    ),
    path("settings/audit-log/", views_audit.audit_log, name="audit_log"),
    path("settings/store/", views_store.store_details, name="store_details"),
]
