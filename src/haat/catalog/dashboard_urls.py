"""Catalog pages of the staff dashboard, mounted at /dashboard/catalog/ as `catalog:`
(catalog/frontdoor.py)."""

from django.urls import path

from haat.catalog import views, views_import, views_products, views_taxonomy

urlpatterns = [
    # products
    path("products/", views_products.product_list, name="product_list"),
    path("products/bulk/", views_products.product_bulk, name="product_bulk"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    path("products/<int:pk>/options/", views.product_options, name="product_options"),
    path("products/<int:pk>/variants/", views_products.variant_create, name="variant_create"),
    path(
        "products/<int:pk>/variants/<int:variant_id>/delete/",
        views_products.variant_delete,
        name="variant_delete",
    ),
    path("products/<int:pk>/images/", views_products.image_upload, name="image_upload"),
    path(
        "products/<int:pk>/images/<int:image_id>/<str:action>/",
        views_products.image_action,
        name="image_action",
    ),
    # categories
    path("categories/", views_taxonomy.category_list, name="category_list"),
    path("categories/<int:pk>/", views_taxonomy.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views_taxonomy.category_delete, name="category_delete"),
    # collections
    path("collections/", views_taxonomy.collection_list, name="collection_list"),
    path("collections/<int:pk>/", views_taxonomy.collection_edit, name="collection_edit"),
    path(
        "collections/<int:pk>/products/",
        views_taxonomy.collection_products,
        name="collection_products",
    ),
    path(
        "collections/<int:pk>/search/", views_taxonomy.collection_search, name="collection_search"
    ),
    path(
        "collections/<int:pk>/delete/", views_taxonomy.collection_delete, name="collection_delete"
    ),
    # import / export
    path("import/", views_import.catalog_import, name="catalog_import"),
    path("import/template.csv", views_import.catalog_import_template, name="catalog_template"),
    path("export/", views_import.catalog_export, name="catalog_export"),
]
