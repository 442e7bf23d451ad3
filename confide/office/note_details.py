"""The note form's contact details: which sessions to offer, and what a new note starts with."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import dateformat

from confide.clients.models import Client, ClinicalNote
from confide.office.forms_clients import NoteForm
from confide.scheduling.models import Appointment, AppointmentType

# Sessions offered for a note: the most recent that have begun (and the note's own, if older).
OFFERED = 30
NOTED_STATUSES = (
    Appointment.Status.CONFIRMED,
    Appointment.Status.COMPLETED,
    Appointment.Status.NO_SHOW,
)
SERVICE_OF_KIND = {
    AppointmentType.Kind.FIRST: ClinicalNote.Service.ASSESSMENT,
    AppointmentType.Kind.INDIVIDUAL: ClinicalNote.Service.INDIVIDUAL,
    AppointmentType.Kind.COUPLES: ClinicalNote.Service.COUPLES_WITH_CLIENT,
}


def _sessions(client: Client, *, now: dt.datetime, keep: int | None) -> list[Appointment]:
    belongs = Q(client=client)
    if client.consultation_id is not None:
        belongs |= Q(consultation_id=client.consultation_id)
    # The statuses as an exclusion: a list of them to include leads SQLite's planner to walk the
    # (status, start) index over every session of the practice instead of this client's own.
    others = [s for s in Appointment.Status.values if s not in NOTED_STATUSES]
    begun = Appointment.objects.filter(belongs, start__lte=now).exclude(status__in=others)
    rows = list(begun.select_related("appointment_type").order_by("-start")[:OFFERED])
    if keep is not None and all(a.pk != keep for a in rows):
        rows += list(
            Appointment.objects.filter(belongs, pk=keep).select_related("appointment_type")
        )
    return rows


def _label(appointment: Appointment, tz: ZoneInfo) -> str:
    when = dateformat.format(appointment.start.astimezone(tz), "D, M j, Y, g:i A")
    label = f"{when} · {appointment.appointment_type.name}"
    if appointment.outcome:
        label += f" ({appointment.get_outcome_display().lower()})"
    return label


def initial_from_appointment(appointment: Appointment, tz: ZoneInfo) -> dict[str, Any]:
    """Return what a note for this session starts with: its date, times, format, people."""
    start, end = appointment.start.astimezone(tz), appointment.end.astimezone(tz)
    people = (
        list(appointment.partners_present.all())
        if appointment.outcome == Appointment.Outcome.ATTENDED
        else []
    )
    if not people and appointment.client is not None:
        people = list(appointment.client.people.all())
    return {
        "appointment": str(appointment.pk),
        "service": SERVICE_OF_KIND.get(appointment.appointment_type.kind, ""),  # type: ignore[call-overload]
        "service_date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_time": end.time().replace(second=0, microsecond=0),
        "format": appointment.format,
        "present": [str(p.uid) for p in people],
    }


def initial_from_note(note: ClinicalNote, tz: ZoneInfo) -> dict[str, Any]:
    initial: dict[str, Any] = dict(note.sections)
    initial["appointment"] = str(note.appointment_id or "")
    if note.kind == ClinicalNote.Kind.PSYCHOTHERAPY:
        return initial
    initial.update(
        service=note.service,
        service_date=note.service_date,
        start_time=note.started_at.astimezone(tz).time() if note.started_at else None,
        end_time=note.ended_at.astimezone(tz).time() if note.ended_at else None,
        minutes=note.minutes if not note.for_session else None,
        format=note.format,
        present=[str(p.uid) for p in note.people_present.all()],
        others_present=note.others_present,
        risk=note.risk,
        risk_detail=note.risk_detail,
    )
    return initial


def note_form(
    data: Any,
    *,
    client: Client,
    kind: str,
    template: str,
    now: dt.datetime,
    note: ClinicalNote | None = None,
    appointment: Appointment | None = None,
) -> NoteForm:
    """Return the note form for a client: bound to ``data``, or filled from the note or session."""
    tz = client.clinician.tz()
    keep = note.appointment_id if note is not None else None
    sessions = [(str(a.pk), _label(a, tz)) for a in _sessions(client, now=now, keep=keep)]
    if note is not None:
        initial = initial_from_note(note, tz)
    elif appointment is not None:
        initial = initial_from_appointment(appointment, tz)
    else:
        initial = {}
    return NoteForm(
        data,
        template=template,
        kind=kind,
        sessions=sessions,
        people=list(client.people.all()),
        initial=initial,
    )
