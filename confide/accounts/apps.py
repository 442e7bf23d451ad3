from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "confide.accounts"
    verbose_name = "Accounts and protection"
