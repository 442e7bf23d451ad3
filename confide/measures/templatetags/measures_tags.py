"""The measures' flags at the top of Today and of a client's page, for clinical staff only."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from confide.accounts.access import clinical_access
from confide.clients.models import Client
from confide.measures import services
from confide.measures.models import MeasureFlag

register = template.Library()
SHOWN = 10


def _with_answers(flags: list[MeasureFlag]) -> list[MeasureFlag]:
    """Attach what the person answered to each flag, as ``said``, and a comment's categories."""
    for flag in flags:
        if flag.reason == MeasureFlag.Reason.ITEM and flag.item:
            item = flag.response.instrument.item(flag.item)
            value = services.answers_of(flag.response).get(item.key)
            label = next((o.label for o in item.options if o.value == value), "")
            flag.said = f"\u201c{item.text}\u201d: {label}"  # type: ignore[attr-defined]
        else:
            flag.said = flag.response.comment  # type: ignore[attr-defined]
            flag.found = services.comment_flag_labels(flag.said)  # type: ignore[attr-defined]
    return flags


@register.inclusion_tag("measures/office/_flags.html", takes_context=True)
def measure_flags_today(context: template.Context) -> dict[str, Any]:
    """Return the open flags among the clients the user may see; none for a practice manager."""
    user = context["request"].user
    if not clinical_access(user):
        return {"flags": []}
    flags = list(services.open_flags(Client.objects.visible_to(user))[:SHOWN])
    return {"flags": _with_answers(flags), "show_client": True}


@register.inclusion_tag("measures/office/_flags.html", takes_context=True)
def measure_flags_client(context: template.Context, client: Client) -> dict[str, Any]:
    """Return the client's open flags for the top of their page; none for a practice manager."""
    if not clinical_access(context["request"].user):
        return {"flags": []}
    flags = list(services.open_flags(Client.objects.filter(pk=client.pk)))
    return {"flags": _with_answers(flags), "show_client": False}


@register.inclusion_tag("measures/office/_client_panel.html", takes_context=True)
def measure_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """Return how many measures wait and a way to them; for a practice manager, only what is due."""
    if not clinical_access(context["request"].user):
        # A practice manager sees only that one waits or is due: no measure, score or answer.
        return {"clinical": False, "notices": services.due_notices(client, now=timezone.now())}
    waiting = client.measure_requests.filter(answered_at__isnull=True).count()
    return {"clinical": True, "client": client, "waiting": waiting}
