from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "urbis.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from .receivers import remember_language_on_login

        user_logged_in.connect(remember_language_on_login, dispatch_uid="urbis.accounts.remember_language")
