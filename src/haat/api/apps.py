from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "haat.api"
    label = "haat_api"
    verbose_name = "API"
