"""Config of the records app: a person's own record in the portal, and their requests about it."""

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "confide.records"
    label = "records"
    verbose_name = "A person's own record"

    def ready(self) -> None:
        from confide.portal.access import NavItem, nav_item_add
        from confide.records import receivers

        nav_item_add(
            NavItem(key="record", label="Your record", url_name="portal:records:record", order=40)
        )
        receivers.listen()
