from django.apps import AppConfig


class GatewaysConfig(AppConfig):
    name = "haat.gateways"
    label = "gateways"
    verbose_name = "Payment gateways"
