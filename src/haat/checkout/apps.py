from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "haat.checkout"
    label = "checkout"
    verbose_name = "Checkout"
