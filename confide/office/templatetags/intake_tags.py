"""The client page's intake paperwork panel, drawn from the client and who is looking."""

from __future__ import annotations

from typing import Any

from django import template

from confide.accounts.access import clinical_access
from confide.clients.models import Client, Person
from confide.clients.screening import flagged_categories, labels_of
from confide.intake import questions, services
from confide.intake.forms import SendForm
from confide.intake.models import AnswerFlag, PacketItem

register = template.Library()
SHOWN = 10


@register.inclusion_tag("office/clients/_intake.html", takes_context=True)
def intake_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """Return what was sent to each person, signed and missing; the send form for clinicians.

    A practice manager sees who signed what; the PDFs, the answers and the form are clinical.
    """
    request = context["request"]
    clinical = clinical_access(request.user)
    return {
        "client": client,
        "progress": services.packet_progress(client),
        "clinical": clinical,
        "send_form": SendForm(client=client) if clinical and not client.anonymized_at else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def intake_invite_offer(context: template.Context, person: Person) -> dict[str, bool] | None:
    """Return whether an invitation may carry the default packet, and if it is ticked at first.

    None for someone who may not send paperwork, or when the practice's packet is empty.
    """
    if not clinical_access(context["request"].user) or person.client.anonymized_at:
        return None
    if not services.default_kinds(person.client):
        return None
    return {"ticked": not PacketItem.objects.filter(person=person).exists()}


def _with_words(flags: list[AnswerFlag]) -> list[AnswerFlag]:
    """Attach to each flag the question, the answer as it is now, and what the screen found."""
    for flag in flags:
        question = questions.BY_KEY.get(flag.question)
        flag.label = question.label if question else flag.question  # type: ignore[attr-defined]
        text = flag.answer.text if flag.answer is not None else ""
        flag.said = text  # type: ignore[attr-defined]
        flag.found = labels_of(flagged_categories(text)) if text else []  # type: ignore[attr-defined]
    return flags


@register.inclusion_tag("office/clients/_intake_flags.html", takes_context=True)
def intake_flags_today(context: template.Context) -> dict[str, Any]:
    """Return the open flags on intake answers the user may see; none for a practice manager."""
    user = context["request"].user
    if not clinical_access(user):
        return {"flags": []}
    flags = list(services.open_answer_flags(Client.objects.visible_to(user))[:SHOWN])
    return {"flags": _with_words(flags), "show_client": True}


@register.inclusion_tag("office/clients/_intake_flags.html", takes_context=True)
def intake_flags_client(context: template.Context, client: Client) -> dict[str, Any]:
    """Return the client's open flags on intake answers; none for a practice manager."""
    if not clinical_access(context["request"].user):
        return {"flags": []}
    flags = list(services.open_answer_flags(Client.objects.filter(pk=client.pk)))
    return {"flags": _with_words(flags), "show_client": False}
