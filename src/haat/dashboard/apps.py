from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "haat.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
