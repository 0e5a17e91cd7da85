from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "haat.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfilment"

    def ready(self) -> None:
        # Orders sits below fulfilment and never imports it: the order page asks for the
        # shipments panel and timeline entries through a narrow callback, filled in here.
        from haat.fulfillment import order_panel, services, tracking
        from haat.orders import callbacks as order_callbacks

        order_callbacks.register_fulfilment(
            panel=order_panel.render_panel,
            timeline=order_panel.timeline,
            tracking_url=tracking.tracking_url,
            order_cancelled=services.order_cancelled,
        )
