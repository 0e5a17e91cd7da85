"""Inventory pages of the staff dashboard, mounted at /dashboard/inventory/ as `inventory:`
(inventory/frontdoor.py)."""

from django.urls import path

from haat.inventory import views, views_ops

urlpatterns = [
    path("stock/", views.stock_list, name="stock_list"),
    path("stock/low/", views.low_stock, name="low_stock"),
    path("stock/variants/<int:pk>/", views.variant_stock, name="variant_stock"),
    path(
        "stock/variants/<int:pk>/beyond-stock/",
        views.variant_backorder,
        name="variant_backorder",
    ),
    path("stock/receive/", views_ops.stock_receive, name="stock_receive"),
    path("stock/adjust/", views_ops.stock_adjust, name="stock_adjust"),
    path("stock/transfer/", views_ops.stock_transfer, name="stock_transfer"),
    path("stock/bulk/", views_ops.stock_bulk, name="stock_bulk"),
    path("stock/import/", views_ops.stock_import, name="stock_import"),
    path("stock/report/", views_ops.stock_report, name="stock_report"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/<int:pk>/", views.location_edit, name="location_edit"),
]
