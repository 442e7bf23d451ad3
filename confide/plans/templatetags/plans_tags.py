"""The treatment plan's line on a client's page, for clinical staff only."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from confide.accounts.access import clinical_access
from confide.clients.models import Client
from confide.plans import services

register = template.Library()


@register.inclusion_tag("plans/office/_client_panel.html", takes_context=True)
def plan_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """Return the plan in force, whether its review is due, and whether a draft is open."""
    if not clinical_access(context["request"].user):
        return {"clinical": False}
    current = services.current_plan(client)
    today = services.practice_today(timezone.now())
    return {
        "clinical": True,
        "client": client,
        "current": current,
        "due": current is not None and current.review_due(today),
        "draft": services.draft_of(client),
        "today": today,
    }
