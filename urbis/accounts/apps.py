from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "urbis.accounts"
    label = "accounts"
    verbose_name = "Accounts"
