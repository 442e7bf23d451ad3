"""What happened to a session: attended, a late cancellation, a no-show, or cancelled by whom.

Once a session's time has come the office records its outcome with one click, and can take it
back (undo) or correct it. Each outcome leaves the appointment in the status that goes with it
(attended: completed; no-show: no-show; any cancellation: cancelled), and the database refuses a
row where the two disagree. A cancellation made in the office before the session records its
outcome too: a client who cancels inside the practice's cancellation window has cancelled late.

Recording an outcome sends nobody a message: it is announced (``Event.OUTCOME``) for whatever
keeps accounts of sessions, and written to the client's audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.clients.models import Client, ClinicalNote, Person
from confide.scheduling import guard
from confide.scheduling.changes import audit_client_change, locked_appointment
from confide.scheduling.errors import NotChangeable, TimeTaken
from confide.scheduling.events import Event, appointment_changed_send
from confide.scheduling.models import Appointment

Outcome = Appointment.Outcome
Status = Appointment.Status

STATUS_OF: dict[str, str] = {
    Outcome.ATTENDED: Status.COMPLETED,
    Outcome.NO_SHOW: Status.NO_SHOW,
    Outcome.LATE_CANCEL: Status.CANCELLED,
    Outcome.CANCELLED_BY_PRACTICE: Status.CANCELLED,
    Outcome.CANCELLED_BY_CLIENT: Status.CANCELLED,
}
CANCELLATIONS = frozenset(
    {Outcome.LATE_CANCEL, Outcome.CANCELLED_BY_PRACTICE, Outcome.CANCELLED_BY_CLIENT}
)


def awaits_outcome(appointment: Appointment, now: dt.datetime) -> bool:
    """Return True when the session has begun, was confirmed, and nobody said what happened."""
    return appointment.status == Status.CONFIRMED and appointment.start <= now


def outcome_changeable(appointment: Appointment, now: dt.datetime) -> bool:
    """Return True when the office may record, correct or undo this session's outcome."""
    if appointment.start > now:
        return False
    return appointment.status == Status.CONFIRMED or bool(appointment.outcome)


def outcome_record(
    *,
    appointment: Appointment,
    outcome: Outcome | str,
    now: dt.datetime,
    actor: Actor,
    present: Iterable[Person] | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Record (or correct) what happened to a session that has begun.

    For a couple's session that took place, ``present`` names the partners who came; by
    default both did. Raises NotChangeable before the start, or for an appointment that was
    never confirmed, was moved or was cancelled before its time without an outcome.
    """
    outcome = Outcome(outcome)
    with transaction.atomic():
        locked = locked_appointment(appointment)
        if not outcome_changeable(locked, now):
            raise NotChangeable(_why_not(locked, now))
        return _record(locked, outcome, now=now, actor=actor, present=present, request=request)


def _record(
    locked: Appointment,
    outcome: Outcome,
    *,
    now: dt.datetime,
    actor: Actor | None,
    present: Iterable[Person] | None,
    request: HttpRequest | None,
) -> Appointment:
    previous = locked.outcome
    fields = locked.outcome_set(outcome, status=STATUS_OF[outcome], at=now, by=actor)
    locked.save(update_fields=fields)
    _partners_set(locked, outcome, present)
    appointment_changed_send(appointment=locked, event=Event.OUTCOME, actor=actor)
    summary = f"session outcome: {outcome.label.lower()}"
    if previous and previous != outcome:
        summary += f" (was {Outcome(previous).label.lower()})"
    audit_client_change(request, actor, AuditEvent.Action.CHANGE, locked.client, summary)
    return locked


def _partners_set(
    appointment: Appointment, outcome: Outcome, present: Iterable[Person] | None
) -> None:
    client = appointment.client
    if client is None or client.kind != Client.Kind.COUPLE or outcome != Outcome.ATTENDED:
        appointment.partners_present.clear()
        return
    partners = list(client.people.all())
    chosen = partners if present is None else [p for p in present if p.client_id == client.pk]
    if not chosen:
        raise NotChangeable("Tick at least one partner who came, or record another outcome.")
    appointment.partners_present.set(chosen)


def outcome_undo(
    *,
    appointment: Appointment,
    now: dt.datetime,
    actor: Actor,
    request: HttpRequest | None = None,
) -> Appointment:
    """Take back a session's outcome: it is confirmed again, with nothing recorded.

    Only for a session that has begun; a cancellation made before the session is final (book
    it again instead). Raises TimeTaken when another appointment now holds its time.
    """
    try:
        with transaction.atomic():
            locked = locked_appointment(appointment)
            if not locked.outcome or locked.start > now:
                raise NotChangeable("There is no outcome to take back.")
            previous = Outcome(locked.outcome)
            fields = locked.outcome_set("", status=Status.CONFIRMED, at=None, by=None)
            locked.save(update_fields=fields)
            locked.partners_present.clear()
            appointment_changed_send(appointment=locked, event=Event.OUTCOME, actor=actor)
            audit_client_change(
                request,
                actor,
                AuditEvent.Action.CHANGE,
                locked.client,
                f"session outcome taken back (was {previous.label.lower()})",
            )
            return locked
    except IntegrityError as error:
        if guard.is_overlap(error):
            raise TimeTaken(guard.colliding(appointment)) from error
        raise


def _why_not(appointment: Appointment, now: dt.datetime) -> str:
    if appointment.start > now:
        return "What happened can be recorded once the session has begun."
    if appointment.status == Status.REQUESTED:
        return "This time was only requested: confirm or decline it first."
    if appointment.status == Status.RESCHEDULED:
        return "This appointment was moved; record what happened at its new time."
    return "This appointment was cancelled before its time."


def session_noted(sender: Any, *, note: ClinicalNote, **kwargs: Any) -> None:
    """Mark the session a signed progress note is for as noted (receiver of ``note_signed``)."""
    if note.kind != ClinicalNote.Kind.PROGRESS or note.appointment_id is None:
        return
    Appointment.objects.filter(pk=note.appointment_id, noted_at__isnull=True).update(
        noted_at=note.signed_at
    )
