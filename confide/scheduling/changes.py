"""Changes to booked appointments: confirm, decline, cancel and move, for every door.

What differs between the person who booked (through their link, later the portal) and staff (in
the office or the admin) is a policy, passed by keyword, not a second set of functions:

- ``ChangePolicy.ONLINE``: only a coming appointment, not inside the practice's cancellation
  window, and only to a time that is open for booking; a moved request stays a request.
- ``ChangePolicy.OFFICE``: any active appointment, to any time the database accepts (overlaps
  are refused, buffers included); a moved appointment is confirmed. The refusal names the
  appointment in the way, which staff may see.

A move keeps the old row (status "moved", ``rescheduled_to`` the new one) and makes a new row
with the same calendar UID and a higher sequence, so calendar apps update the entry.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client
from confide.scheduling import guard
from confide.scheduling.errors import (
    InsideCancellationWindow,
    NotChangeable,
    SchedulingError,
    SlotTaken,
    TimeTaken,
)
from confide.scheduling.events import Event, appointment_changed_send
from confide.scheduling.models import Appointment
from confide.scheduling.selectors import (
    inside_cancellation_window,
    slot_is_open,
    unavailable_or_taken,
)

CancelledBy = Literal["client", "practice"]


class ChangePolicy(enum.Enum):
    """Which rules a change follows; see the module's docstring."""

    ONLINE = "online"
    OFFICE = "office"


def audit_client_change(
    request: HttpRequest | None,
    actor: Actor | None,
    action: str,
    client: Client | None,
    summary: str,
) -> None:
    """Record a staff change of a client's appointment on the client's record."""
    if client is None or actor is None:
        return
    # Appointments have no uid of their own; the entry belongs to the client's record.
    audit_record(
        request=request,
        actor=actor,
        action=action,
        target_type="client",
        target_uid=client.uid,
        client_uid=client.uid,
        summary=summary,
    )


def locked_appointment(appointment: Appointment) -> Appointment:
    """Return the appointment read again with its row locked until the transaction ends."""
    # Lock the appointment row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # join to the client.
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("appointment_type__clinician", "client", "clinician")
        .get(pk=appointment.pk)
    )


def _check_changeable_online(appointment: Appointment, now: dt.datetime) -> None:
    if not appointment.is_active or appointment.start <= now:
        raise NotChangeable
    if inside_cancellation_window(appointment=appointment, now=now):
        raise InsideCancellationWindow


def appointment_confirm(
    *, appointment: Appointment, actor: Actor | None = None, request: HttpRequest | None = None
) -> Appointment:
    """Approve a requested appointment."""
    return _request_decide(
        appointment, Appointment.Status.CONFIRMED, Event.CONFIRMED, "confirmed", actor, request
    )


def appointment_decline(
    *, appointment: Appointment, actor: Actor | None = None, request: HttpRequest | None = None
) -> Appointment:
    """Turn down a requested appointment; its time opens again."""
    return _request_decide(
        appointment, Appointment.Status.DECLINED, Event.DECLINED, "declined", actor, request
    )


def _request_decide(
    appointment: Appointment,
    status: str,
    event: Event,
    done: str,
    actor: Actor | None,
    request: HttpRequest | None,
) -> Appointment:
    with transaction.atomic():
        locked = locked_appointment(appointment)
        if locked.status != Appointment.Status.REQUESTED:
            raise NotChangeable(f"Only a requested appointment can be {done}.")
        locked.status = status
        fields = ["status", "updated_at"]
        if status == Appointment.Status.DECLINED:
            # A declined time disappears from the person's calendar file.
            locked.ical_sequence += 1
            fields.append("ical_sequence")
        locked.save(update_fields=fields)
        appointment_changed_send(appointment=locked, event=event, actor=actor)
        audit_client_change(
            request, actor, AuditEvent.Action.CHANGE, locked.client, f"appointment {done}"
        )
    return locked


def cancellation_outcome(
    *, appointment: Appointment, by: CancelledBy, now: dt.datetime
) -> Appointment.Outcome:
    """Return the outcome of a cancellation asked for at ``now``.

    A client who cancels inside the practice's cancellation window (or after the start) has
    cancelled late; the practice never does.
    """
    if by == "practice":
        return Appointment.Outcome.CANCELLED_BY_PRACTICE
    if inside_cancellation_window(appointment=appointment, now=now):
        return Appointment.Outcome.LATE_CANCEL
    return Appointment.Outcome.CANCELLED_BY_CLIENT


def appointment_cancel(
    *,
    appointment: Appointment,
    now: dt.datetime,
    policy: ChangePolicy,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
    by: CancelledBy | None = None,
) -> Appointment:
    """Cancel an appointment; online, not once it has started or inside the cancellation window.

    ``actor`` is the staff member cancelling, or None for the person who booked it. ``by`` says
    who asked for it, which decides the outcome (a late cancellation, see
    ``cancellation_outcome``); online it is always the client, and a change without it (the
    admin's) records no outcome.
    """
    if policy is ChangePolicy.ONLINE:
        by = "client"
    with transaction.atomic():
        locked = locked_appointment(appointment)
        if policy is ChangePolicy.ONLINE:
            _check_changeable_online(locked, now)
        elif not locked.is_active:
            raise NotChangeable("This appointment is no longer active.")
        outcome = cancellation_outcome(appointment=locked, by=by, now=now) if by else ""
        fields = locked.outcome_set(outcome, status=Appointment.Status.CANCELLED, at=now, by=actor)
        locked.save(update_fields=fields)
        appointment_changed_send(appointment=locked, event=Event.CANCELLED, actor=actor)
        audit_client_change(
            request, actor, AuditEvent.Action.CHANGE, locked.client, "appointment cancelled"
        )
    return locked


def moved_copy(old: Appointment, *, start: dt.datetime, status: str) -> Appointment:
    """Return the unsaved appointment that replaces ``old`` at ``start``.

    It keeps who, what and how (clinician, type, format, client or consultation) and the calendar
    entry's UID with the next SEQUENCE, so calendar apps update the entry instead of adding one.
    """
    kind = old.appointment_type
    return Appointment(
        clinician=old.clinician,
        appointment_type=kind,
        format=old.format,
        start=start,
        end=start + kind.duration,
        status=status,
        consultation=old.consultation,
        client=old.client,
        series=old.series,
        ical_uid=old.ical_uid,
        ical_sequence=old.ical_sequence + 1,
    )


@guard.refusals_announced
def appointment_move(
    *,
    appointment: Appointment,
    start: dt.datetime,
    now: dt.datetime,
    policy: ChangePolicy,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
) -> Appointment:
    """Move an active appointment to another time; return the new appointment.

    Online the old manage link then only shows where it went. Raises NotChangeable (or
    InsideCancellationWindow) when it may not be moved, SlotUnavailable when the time is not
    open online, and SlotTaken (TimeTaken in the office) when it overlaps another appointment.
    """
    online = policy is ChangePolicy.ONLINE
    try:
        with transaction.atomic():
            old = locked_appointment(appointment)
            if online:
                _check_changeable_online(old, now)
            elif not old.is_active or old.end <= now:
                raise NotChangeable("Only a coming, active appointment can be moved.")
            elif old.start == start:
                raise SchedulingError("That is the time it already has.", field="time")
            previous_status = old.status
            # Free the old time first: the new one may overlap it (moving by a quarter hour).
            old.status = Appointment.Status.RESCHEDULED
            old.save(update_fields=["status", "updated_at"])
            kind = old.appointment_type
            if online and not slot_is_open(appointment_type=kind, start=start, now=now):
                raise unavailable_or_taken(appointment_type=kind, start=start, now=now)
            new = moved_copy(
                old,
                start=start,
                status=previous_status if online else Appointment.Status.CONFIRMED,
            )
            if not guard.inserted(new):
                raise SlotTaken() if online else TimeTaken(guard.colliding(new))
            old.rescheduled_to = new
            old.save(update_fields=["rescheduled_to", "updated_at"])
            appointment_changed_send(appointment=new, event=Event.RESCHEDULED, actor=actor)
            audit_client_change(
                request, actor, AuditEvent.Action.CHANGE, old.client, "appointment moved"
            )
            return new
    except IntegrityError as error:
        if guard.is_overlap(error):
            raise (SlotTaken() if online else TimeTaken(None)) from error
        raise
