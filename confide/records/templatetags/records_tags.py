"""The client page's list of requests about the record, drawn from the client and the viewer."""

from __future__ import annotations

from typing import Any

from django import template

from confide.accounts.access import clinical_access
from confide.clients.models import Client
from confide.clients.screening import flagged_categories, labels_of
from confide.records import services
from confide.records.models import RecordRequest, RequestFlag

register = template.Library()
SHOWN = 10


@register.inclusion_tag("records/_office_panel.html", takes_context=True)
def record_requests_panel(context: template.Context, client: Client) -> dict[str, Any]:
    """Return the client's requests; what they say is for clinical roles only."""
    request = context["request"]
    return {
        "requests": list(RecordRequest.objects.filter(client=client).select_related("person")),
        "clinical": services.may_read_requests(request.user),
    }


def _with_words(flags: list[RequestFlag]) -> list[RequestFlag]:
    """Attach to each flag what the request says and what the screen found in it."""
    for flag in flags:
        what, why = flag.request.what, flag.request.why
        flag.said = f"{what} {why}".strip()  # type: ignore[attr-defined]
        flag.found = labels_of(flagged_categories(what, why))  # type: ignore[attr-defined]
    return flags


@register.inclusion_tag("records/_request_flags.html", takes_context=True)
def request_flags_today(context: template.Context) -> dict[str, Any]:
    """Return the open flags on requests the user may see; none for a practice manager."""
    user = context["request"].user
    if not clinical_access(user):
        return {"flags": []}
    flags = list(services.open_request_flags(Client.objects.visible_to(user))[:SHOWN])
    return {"flags": _with_words(flags), "show_client": True}


@register.inclusion_tag("records/_request_flags.html", takes_context=True)
def request_flags_client(context: template.Context, client: Client) -> dict[str, Any]:
    """Return the client's open flags on requests; none for a practice manager."""
    if not clinical_access(context["request"].user):
        return {"flags": []}
    flags = list(services.open_request_flags(Client.objects.filter(pk=client.pk)))
    return {"flags": _with_words(flags), "show_client": False}
