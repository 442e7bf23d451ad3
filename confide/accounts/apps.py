"""Config of the accounts app, and of Django's admin behind the office's own sign-in."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "confide.accounts"
    verbose_name = "Accounts and protection"

    def ready(self) -> None:
        from confide.accounts import signals
        from confide.accounts.witnesses import second_factor_secrets
        from confide.keys.ring import witnesses_register

        witnesses_register(second_factor_secrets)
        post_migrate.connect(signals.groups_sync_after_migrate, dispatch_uid="staff_groups")


class OfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that uses the office's sign-in and second factor."""

    default = False

    default_site = "confide.accounts.admin_site.OfficeAdminSite"
