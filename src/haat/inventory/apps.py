from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "haat.inventory"
    label = "inventory"
    verbose_name = "Inventory"
