from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "haat.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Payment settings and rules are store settings: a change moves the settings stamp,
        # so every process reloads its `payment_config()` on its next checkout.
        from haat.core.settings_stamp import track
        from haat.gateways import callbacks as gateway_callbacks
        from haat.orders import callbacks as order_callbacks
        from haat.payments import flows, selectors, services
        from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentSettings

        track(PaymentSettings, PaymentMethodRule, PartialCodRule)
        # Orders and gateways sit below payments and never import it: they declare
        # narrow callbacks, filled in here (docs/architecture.md, Layers).
        gateway_callbacks.register(
            apply_update=services.apply_gateway_update,
            find_test_payment=selectors.payment_for_test_page,
        )
        order_callbacks.register(
            order_money=selectors.order_money,
            pay_url=flows.pay_page_url,
            order_expired=flows.expire_open_payments,
        )
