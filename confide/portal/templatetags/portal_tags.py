"""The portal's navigation, and a person's portal state for the office's client page."""

from __future__ import annotations

from typing import Any

from django import template

from confide.billing.services import money_text
from confide.clients.models import Person
from confide.portal.access import nav_items
from confide.portal.models import PortalAccount

register = template.Library()


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def portal_nav(context: dict[str, Any]) -> dict[str, Any]:
    person = context["request"].portal_person
    return {"items": nav_items(person), "current": context.get("nav", "")}


@register.filter(name="money")
def money_filter(cents: int) -> str:
    """Return integer cents as dollars, as the practice's documents print them: "$180.00"."""
    return money_text(cents)


@register.simple_tag
def portal_account_of(person: Person) -> PortalAccount | None:
    """Return the person's portal account with its latest invitation, or None before one."""
    account = PortalAccount.objects.filter(person=person).first()
    if account is not None:
        account.latest_invitation = account.invitations.first()  # type: ignore[attr-defined]
    return account
