from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "haat.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Payment settings and rules are store settings: a change moves the settings stamp,
        # so every process reloads its `payment_config()` on its next checkout.
        from haat.core.settings_stamp import track
        from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentSettings

        track(PaymentSettings, PaymentMethodRule, PartialCodRule)
