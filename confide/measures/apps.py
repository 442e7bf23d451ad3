"""Config of the measures app: questionnaires people fill in, their trends and flags."""

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "confide.measures"
    verbose_name = "Measures"

    def ready(self) -> None:
        try:
            from confide.portal.access import NavItem, nav_item_add
        except ImportError:  # pragma: no cover - the portal ships with Confide
            return
        from confide.measures.services import anything_for

        nav_item_add(
            NavItem(
                key="measures",
                label="Questionnaires",
                url_name="portal:measures:list",
                order=30,
                shown=anything_for,
            )
        )
