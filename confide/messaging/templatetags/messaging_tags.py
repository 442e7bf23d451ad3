"""The office's small message panels: on a client's page, and the flags on Today."""

from __future__ import annotations

from typing import Any

from django import template

from confide.accounts.access import clinical_access
from confide.clients.models import Client
from confide.messaging import services
from confide.messaging.models import Message, Thread
from confide.messaging.screening import with_flag_labels

register = template.Library()


@register.inclusion_tag("messaging/_client_panel.html", takes_context=True)
def messages_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """Return each person's thread link, unread count and waiting flags, for clinicians only."""
    request = context["request"]
    if not clinical_access(request.user):
        return {"shown": False}
    people = []
    for person in client.people.order_by("order", "pk"):
        thread = Thread.objects.filter(person=person).first()
        people.append(
            {
                "person": person,
                "unread": services.unread_by_office(thread) if thread else 0,
                "flags": thread.messages.filter(
                    flagged_at__isnull=False, followed_up_at__isnull=True
                ).count()
                if thread
                else 0,
            }
        )
    return {"shown": True, "people": people, "client": client}


@register.inclusion_tag("messaging/_today_flags.html", takes_context=True)
def messages_flagged(context: template.Context) -> dict[str, Any]:
    """Return the flagged messages waiting for a follow-up, first on Today, clinicians only."""
    request = context["request"]
    if not clinical_access(request.user):
        return {"flags": []}
    flags = services.flagged_for(request.user)
    shown = list(flags[:10])
    with_flag_labels(shown)
    return {"flags": shown, "total": flags.count()}


@register.inclusion_tag("messaging/_client_flags.html", takes_context=True)
def message_flags_client(context: template.Context, client: Client) -> dict[str, Any]:
    """Return the client's flagged messages still waiting for a follow-up; none for a manager."""
    if not clinical_access(context["request"].user):
        return {"flags": []}
    flags = list(
        Message.objects.filter(
            thread__person__client=client, flagged_at__isnull=False, followed_up_at__isnull=True
        )
        .select_related("thread__person")
        .prefetch_related("attachments")
        .order_by("-flagged_at", "-pk")
    )
    with_flag_labels(flags)
    return {"flags": flags}
