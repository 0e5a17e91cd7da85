from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "haat.customers"
    label = "customers"
    verbose_name = "Customers"
