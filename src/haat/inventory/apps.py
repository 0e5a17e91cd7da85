from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "haat.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        # Catalog sits below inventory and never imports it: the product editor's stock
        # panel reads through a narrow callback filled in here (docs/architecture.md).
        from haat.catalog import editor_stock
        from haat.inventory import selectors

        editor_stock.register(selectors.editor_variant_stock)
