from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "haat.orders"
    label = "orders"
    verbose_name = "Orders"
