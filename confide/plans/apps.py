"""Config of the plans app: treatment plans, signed by the clinician and, if shared, the client."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "confide.plans"
    verbose_name = "Treatment plans"

    def ready(self) -> None:
        try:
            from confide.portal.access import NavItem, nav_item_add
        except ImportError:  # pragma: no cover - the portal ships with Confide
            return
        from confide.plans.services import shared_plan

        nav_item_add(
            NavItem(
                key="plan",
                label="Your plan",
                url_name="portal:plan:plan",
                order=35,
                shown=lambda person: shared_plan(person) is not None,
            )
        )
