from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haat.core"
    label = "core"
    verbose_name = "Core"
