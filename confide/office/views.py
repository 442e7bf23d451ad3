"""The therapist's office: the day's work at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from confide.accounts.access import Role, clinical_access, clinician_scope, office_view, role_of
from confide.clients.models import ClinicalNote, ConsultationRequest
from confide.office.navigation import day_links_add
from confide.office.room_views import session_tools_add
from confide.office.todo import todo_for
from confide.operations.status import backup_status
from confide.practice.models import Clinician
from confide.scheduling.attendance import outcome_changeable
from confide.scheduling.models import Appointment
from confide.scheduling.selectors import (
    appointments_by_day,
    display_zone,
    own_clinician,
    zone_label,
)


@office_view()
def home(request: HttpRequest) -> HttpResponse:
    """Today's and tomorrow's sessions, new consultation requests, and notes still to sign."""
    user = request.user
    # An owner who also sees clients starts the day with their own sessions; an owner who does
    # not, and the practice manager, with the whole practice's.
    mine = own_clinician(user)
    tz = display_zone(user, mine)
    now = timezone.now()
    today = now.astimezone(tz).date()
    sessions = Appointment.objects.visible_to(user)
    if mine is not None:
        sessions = sessions.filter(clinician=mine)
    # The people of a phone session's client, in one query for the whole list.
    days = appointments_by_day(
        sessions.prefetch_related("client__people"), first=today, days=2, tz=tz
    )
    session_tools_add([*days[0].appointments, *days[1].appointments], now=now)
    day_links_add(days)
    for appointment in days[0].appointments:
        appointment.can_record = outcome_changeable(appointment, now)  # type: ignore[attr-defined]
    new_requests = (
        ConsultationRequest.objects.visible_to(user)
        .filter(status=ConsultationRequest.Status.NEW)
        .select_related("clinician")
        .order_by("-needs_attention", "-created_at")
    )
    # The drafts this person started: signing them is theirs to do.
    drafts = list(
        ClinicalNote.objects.visible_to(user)
        .filter(signed_at__isnull=True, author_id=user.pk)
        .select_related("client")
        .order_by("created_at")
    )
    clinical = clinical_access(user)
    todo = todo_for(user, mine=mine, clinical=clinical, now=now)
    several = clinician_scope(user) is None and Clinician.objects.count() > 1
    # Backups are the owner's to look after; nobody else can run the commands that fix them.
    backups = backup_status(now=now) if role_of(user) == Role.OWNER else None
    context = {
        "nav": "home",
        "today": today,
        "sessions_today": days[0],
        "sessions_tomorrow": days[1],
        "zone_label": zone_label(tz),
        "display_tz": tz,
        "new_requests": new_requests,
        "drafts": drafts,
        "clinical": clinical,
        "todo": todo,
        # Today's list says what happened and holds each session's room or numbers; the
        # calendar's list does not look for either.
        "record_outcomes": True,
        "session_tools": True,
        "show_clinician": several and mine is None,
        "show_request_clinician": several,
        "backups": backups,
    }
    return render(request, "office/home.html", context)
