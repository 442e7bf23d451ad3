"""Config of the intake app: the paperwork a new client reads, fills in and signs."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "confide.intake"
    verbose_name = "Intake paperwork"

    def ready(self) -> None:
        try:
            from confide.portal.access import NavItem, nav_item_add
        except ImportError:  # pragma: no cover - the portal ships with Confide
            return
        nav_item_add(
            NavItem(
                key="paperwork", label="Paperwork", url_name="portal:intake:paperwork", order=20
            )
        )
