from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "haat.payments"
    label = "payments"
    verbose_name = "Payments"
