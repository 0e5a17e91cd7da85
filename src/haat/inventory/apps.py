from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "haat.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        # Catalog sits below inventory and never imports it: the product editor's stock
        # panel and the store endpoints' stock state read through narrow callbacks filled
        # in here (docs/architecture.md, Layers).
        from haat.catalog import editor_stock, stock_state
        from haat.inventory import selectors
        from haat.inventory.stock_states import product_states

        editor_stock.register(selectors.editor_variant_stock)
        stock_state.register(product_states)
