from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "tests.dashboard.loyalty"
    label = "loyalty"
    verbose_name = "Loyalty (test context)"
