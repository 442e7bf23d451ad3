"""Config of secure messages between a client's people and their clinician."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "confide.messaging"
    verbose_name = "Secure messages"

    def ready(self) -> None:
        from confide.portal.access import NavItem, nav_item_add

        nav_item_add(
            NavItem(key="messages", label="Messages", url_name="portal:messages:thread", order=30)
        )
