from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haat.accounts"
    label = "accounts"
    verbose_name = "Accounts"
