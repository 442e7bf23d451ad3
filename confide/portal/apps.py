"""Config of the client portal: what a person sees after signing in (see access.py)."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "confide.portal"
    label = "portal"
    verbose_name = "Client portal"

    def ready(self) -> None:
        from confide.billing.selectors import billing_used
        from confide.portal.access import NavItem, nav_item_add

        nav_item_add(
            NavItem(key="appointments", label="Appointments", url_name="portal:home", order=10)
        )
        nav_item_add(
            NavItem(
                key="payments",
                label="Payments",
                url_name="portal:payments",
                order=45,
                shown=lambda person: billing_used(),
            )
        )
        nav_item_add(
            NavItem(key="passkeys", label="Passkeys", url_name="portal:passkeys", order=90)
        )
