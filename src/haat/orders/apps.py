from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "haat.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Inventory sits below orders and never imports it: its stock pages name an
        # order's holds and ledger rows through a narrow callback (docs/architecture.md).
        from haat.inventory import owners
        from haat.orders import stock_words

        owners.register(
            owner_type=stock_words.HOLD_OWNER,
            describe=stock_words.hold_owners,
            reference_links=stock_words.order_links,
        )
