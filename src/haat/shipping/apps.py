from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "haat.shipping"
    label = "shipping"
    verbose_name = "Shipping"
