"""The office's side of the client portal: inviting a person to sign in."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from confide.accounts.access import OFFICE_ROLES, clinical_access, office_view
from confide.clients.access import client_for
from confide.intake.models import PacketItem
from confide.intake.services import portal_invite_with_packet
from confide.portal.services import (
    PortalError,
    invitation_send_time,
    portal_access_close,
    portal_invite,
)


@office_view(roles=OFFICE_ROLES)
@require_POST
def portal_invite_send(request: HttpRequest, uid: uuid.UUID, person_id: int) -> HttpResponse:
    """Invite one person of the client (each partner of a couple separately) to the portal.

    A practice manager may invite too: an invitation holds no clinical text. The owner and
    clinicians may send the practice's default packet with it, in the same message.
    """
    client = client_for(request.user, uid)
    person = get_object_or_404(client.people, pk=person_id)
    # Only those who may send paperwork send it with the invitation; for others the box is
    # not shown, and a posted one is ignored.
    with_packet = request.POST.get("paperwork") == "1" and clinical_access(request.user)
    sent: list[PacketItem] = []
    problem = ""
    try:
        if with_packet:
            invitation, sent, problem = portal_invite_with_packet(
                person=person, actor=request.user, now=timezone.now(), request=request
            )
        else:
            invitation = portal_invite(person=person, actor=request.user, request=request)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        way = "by email" if invitation.channel == "email" else "by text"
        said = f"An invitation to sign in is on its way to {person.name} {way}."
        due = invitation_send_time(invitation, now=timezone.now())
        if due is not None:
            said = (
                f"An invitation to sign in will go to {person.name} {way} on {due}, "
                "the first time they may be contacted."
            )
        if sent:
            count = f"{len(sent)} document{'s' if len(sent) != 1 else ''}"
            said += f" {count} to sign will be waiting for them in the portal."
        messages.success(request, said)
        if with_packet and not sent:
            messages.info(request, f"{problem} Nothing else was sent with the invitation.")
    return redirect(client.get_absolute_url() + f"#person-{person.pk}")


@office_view(roles=OFFICE_ROLES)
@require_POST
def portal_close(request: HttpRequest, uid: uuid.UUID, person_id: int) -> HttpResponse:
    """Close one person's portal access; they are signed out at their next page."""
    client = client_for(request.user, uid)
    person = get_object_or_404(client.people, pk=person_id)
    if portal_access_close(person=person, actor=request.user, request=request):
        messages.success(request, f"{person.name} can no longer sign in to the portal.")
    else:
        messages.info(request, f"{person.name} had no open portal access.")
    return redirect(client.get_absolute_url() + f"#person-{person.pk}")
