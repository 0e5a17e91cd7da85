"""Dashboard pages of the tax context, under /dashboard/settings/tax/ as `tax:`
(tax/frontdoor.py)."""

from django.urls import path

from haat.tax import views

urlpatterns = [
    path("", views.tax_settings, name="tax_settings"),
    path("settings/", views.save_settings, name="save_settings"),
    path("categories/", views.set_category_rate, name="set_category_rate"),
    path(
        "categories/<int:category_id>/clear/",
        views.clear_category_rate,
        name="clear_category_rate",
    ),
    path("products/search/", views.product_search, name="product_search"),
    path("products/<int:product_id>/", views.set_product_rate, name="set_product_rate"),
    path("products/<int:product_id>/clear/", views.clear_product_rate, name="clear_product_rate"),
]
