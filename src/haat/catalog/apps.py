from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "haat.catalog"
    label = "catalog"
    verbose_name = "Catalog"
