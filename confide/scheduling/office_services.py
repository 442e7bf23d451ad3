"""Appointments made in the office, and what the office does with consultation requests.

Office bookings are not limited to the public's open slots: a therapist may book outside working
hours (they get a warning, never a block), at short notice or in the past. The one rule that
holds is the database's: no two active appointments of a clinician overlap, buffers included.
Each function here relies on that guard rather than on a check made beforehand, so two people
booking the same hour at once cannot both succeed.

Series are all-or-nothing unless the caller asks to skip the dates that collide: the office first
shows which dates collide, and the therapist then chooses to book the rest (docs/decisions/0006).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import dateformat, timezone

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client, ConsultationRequest
from confide.clients.services import ClientError, PersonDetails, client_create
from confide.notifications.events import Event
from confide.notifications.services import appointment_notify
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.services import _is_overlap, clinician_calendar, moved_copy
from confide.scheduling.slots import wall_to_utc

UTC = dt.UTC
Actor = AbstractBaseUser | AnonymousUser
MAX_SERIES = 52


class ScheduleError(Exception):
    """A change the office cannot make; ``message`` is written for the therapist."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TimeTaken(ScheduleError):
    """The time overlaps another active appointment of the clinician (buffers included)."""


class SeriesCollision(ScheduleError):
    """Some dates of a series collide; ``starts`` are those starts (UTC), nothing was booked."""

    def __init__(self, starts: list[dt.datetime], tz: ZoneInfo) -> None:
        self.starts = starts
        days = ", ".join(_day_label(s, tz) for s in starts)
        super().__init__(
            f"{len(starts)} of the dates overlap another appointment: {days}. "
            "Nothing was booked. Choose another time, or book the other dates and skip these."
        )


# -- Pure time helpers (no database) ------------------------------------------------------------


def wall_time_issue(*, day: dt.date, wall: dt.time, tz: ZoneInfo) -> str | None:
    """Return a note when a wall-clock time is skipped or repeated by daylight saving, else None.

    wall_to_utc() reads a skipped time (spring forward) as the instant an hour later and a
    repeated time (fall back) as its first occurrence; the therapist is told which one they got.
    """
    first = dt.datetime.combine(day, wall.replace(fold=0), tz)
    second = dt.datetime.combine(day, wall.replace(fold=1), tz)
    if first.utcoffset() == second.utcoffset():
        return None
    chosen = first.astimezone(UTC).astimezone(tz)
    if chosen.time().replace(fold=0) != wall.replace(fold=0):
        return (
            f"{_clock(wall)} does not exist on {_date(day)} because the clocks go forward; "
            f"it was booked for {_clock(chosen.time())}."
        )
    return (
        f"{_clock(wall)} happens twice on {day:%b %-d} because the clocks go back; "
        f"it was booked for the first time ({chosen.tzname()})."
    )


def series_starts(
    *, first_day: dt.date, wall: dt.time, tz: ZoneInfo, every_weeks: int, count: int
) -> list[dt.datetime]:
    """Return ``count`` UTC starts ``every_weeks`` weeks apart at the same wall-clock time.

    Each date is converted on its own, so a series that crosses a daylight-saving change keeps
    its time on the clock (10:00 stays 10:00) while its UTC time moves by the hour.
    """
    if every_weeks < 1 or count < 1:
        raise ValueError("every_weeks and count must be at least 1")
    step = dt.timedelta(weeks=every_weeks)
    return [wall_to_utc(first_day + i * step, wall, tz) for i in range(count)]


def _clock(t: dt.time) -> str:
    return dateformat.time_format(t, "g:i A")


def _date(day: dt.date) -> str:
    return dateformat.format(day, "M j")


def _day_label(start: dt.datetime, tz: ZoneInfo) -> str:
    return dateformat.format(start.astimezone(tz), "D M j, Y g:i A")


# -- Queries -------------------------------------------------------------------------------------


def outside_working_hours(
    *, clinician: Clinician, starts: list[dt.datetime], duration: dt.timedelta
) -> list[dt.datetime]:
    """Return the starts whose appointment does not lie wholly within the clinician's hours.

    Hours are the weekly rules, extra hours and time off, read the way the public booking reads
    them, so what the office warns about is exactly what the public could not book.
    """
    if not starts:
        return []
    tz = clinician.tz()
    first = min(starts).astimezone(tz).date()
    last = (max(starts) + duration).astimezone(tz).date()
    working = clinician_calendar(clinician=clinician, first_day=first, last_day=last).working
    return [
        s for s in starts if not any(iv.start <= s and s + duration <= iv.end for iv in working)
    ]


def _colliding(appointment: Appointment) -> Appointment | None:
    """Return an active appointment whose busy span overlaps this unsaved one's, if any."""
    kind = appointment.appointment_type
    busy_start = appointment.start - dt.timedelta(minutes=kind.buffer_before_minutes)
    busy_end = appointment.end + dt.timedelta(minutes=kind.buffer_after_minutes)
    return (
        Appointment.objects.active()
        .filter(clinician=appointment.clinician, busy_start__lt=busy_end, busy_end__gt=busy_start)
        .exclude(pk=appointment.pk)
        .select_related("client", "consultation")
        .first()
    )


def _taken_message(other: Appointment | None) -> str:
    if other is None:
        return "That time overlaps another appointment, including the breaks around it."
    tz = other.clinician.tz()
    if other.client is not None:
        who = f"the appointment with {other.client.display_name}"
    elif other.consultation is not None:
        who = f"the consultation with {other.consultation.name}"
    else:
        who = "another appointment"
    return (
        f"That time overlaps {who} on "
        f"{_day_label(other.start, tz)}, including the breaks around it."
    )


# -- Writes --------------------------------------------------------------------------------------


def _check_booking(*, client: Client, appointment_type: AppointmentType, format: str) -> None:
    if client.status == Client.Status.DISCHARGED or client.anonymized_at is not None:
        raise ScheduleError("This client has been discharged.", field="client")
    if appointment_type.clinician_id != client.clinician_id:
        raise ScheduleError(
            "Choose a type of appointment of the client's own clinician.",
            field="appointment_type",
        )
    if not appointment_type.active:
        raise ScheduleError("This type of appointment is switched off.", field="appointment_type")
    if format not in appointment_type.formats():
        raise ScheduleError("This type of appointment isn't held in that format.", field="format")


def _new_appointment(
    *, client: Client, appointment_type: AppointmentType, format: str, start: dt.datetime
) -> Appointment:
    return Appointment(
        clinician_id=client.clinician_id,
        appointment_type=appointment_type,
        format=format,
        start=start,
        end=start + appointment_type.duration,
        status=Appointment.Status.CONFIRMED,
        client=client,
    )


def _audit(
    request: HttpRequest | None, actor: Actor, action: str, client: Client | None, summary: str
) -> None:
    if client is None:
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


def _is_theirs(actor: Actor, appointment: Appointment) -> bool:
    """Return True when the person acting is the appointment's own clinician.

    They need no email about what they just did; a clinician whose session was changed by the
    owner or the practice manager does.
    """
    profile = getattr(actor, "staff_profile", None)
    return profile is not None and profile.clinician_id == appointment.clinician_id


def appointment_create(
    *,
    client: Client,
    appointment_type: AppointmentType,
    format: str,
    start: dt.datetime,
    actor: Actor,
    request: HttpRequest | None,
) -> Appointment:
    """Book one confirmed session for a client with the client's clinician.

    Raises ScheduleError for a booking that makes no sense, TimeTaken when it overlaps.
    """
    _check_booking(client=client, appointment_type=appointment_type, format=format)
    appointment = _new_appointment(
        client=client, appointment_type=appointment_type, format=format, start=start
    )
    try:
        with transaction.atomic():
            appointment.save()
            appointment_notify(
                appointment=appointment,
                event=Event.BOOKED,
                by_clinician=_is_theirs(actor, appointment),
            )
            _audit(request, actor, AuditEvent.Action.CREATE, client, "appointment booked")
    except IntegrityError as error:
        if _is_overlap(error):
            raise TimeTaken(_taken_message(_colliding(appointment)), field="time") from error
        raise
    return appointment


@dataclass(frozen=True)
class SeriesResult:
    """What a series booking made, and the starts it skipped because they collided."""

    booked: list[Appointment]
    skipped: list[dt.datetime] = field(default_factory=list)


def appointment_series_create(
    *,
    client: Client,
    appointment_type: AppointmentType,
    format: str,
    starts: list[dt.datetime],
    skip_collisions: bool,
    actor: Actor,
    request: HttpRequest | None,
) -> SeriesResult:
    """Book a series of sessions for a client in one transaction.

    Each insert runs in its own savepoint, so the database's overlap guard decides each date.
    When some collide, SeriesCollision is raised and nothing is booked, unless
    ``skip_collisions`` is set: then the other dates are booked and the colliding ones returned.
    """
    _check_booking(client=client, appointment_type=appointment_type, format=format)
    if not 1 <= len(starts) <= MAX_SERIES:
        raise ScheduleError(f"A series has from 1 to {MAX_SERIES} sessions.", field="count")
    booked: list[Appointment] = []
    skipped: list[dt.datetime] = []
    with transaction.atomic():
        for start in sorted(starts):
            appointment = _new_appointment(
                client=client, appointment_type=appointment_type, format=format, start=start
            )
            try:
                with transaction.atomic():
                    appointment.save()
            except IntegrityError as error:
                if not _is_overlap(error):
                    raise
                skipped.append(start)
                continue
            booked.append(appointment)
        if skipped and not skip_collisions:
            # Leaving the block by an exception rolls back every session saved above.
            raise SeriesCollision(skipped, client.clinician.tz())
        if not booked:
            raise ScheduleError("Every date of the series overlaps another appointment.")
        for appointment in booked:
            appointment_notify(
                appointment=appointment,
                event=Event.BOOKED,
                by_clinician=_is_theirs(actor, appointment),
            )
        _audit(
            request,
            actor,
            AuditEvent.Action.CREATE,
            client,
            f"{len(booked)} appointments booked as a series",
        )
    return SeriesResult(booked=booked, skipped=skipped)


def appointment_move(
    *, appointment: Appointment, start: dt.datetime, actor: Actor, request: HttpRequest | None
) -> Appointment:
    """Move an active appointment to another time; return the new appointment.

    As with a public reschedule, the old row is kept (status "moved") and points to the new one,
    which keeps the calendar UID with a higher sequence so calendar apps update the entry.
    """
    try:
        with transaction.atomic():
            # Lock the appointment row only: PostgreSQL refuses FOR UPDATE on the nullable side
            # of the join to the client.
            old = (
                Appointment.objects.select_for_update(of=("self",))
                .select_related("appointment_type", "client", "clinician")
                .get(pk=appointment.pk)
            )
            if not old.is_active or old.end <= timezone.now():
                raise ScheduleError("Only a coming, active appointment can be moved.")
            if old.start == start:
                raise ScheduleError("That is the time it already has.", field="time")
            # Free the old time first: the new one may overlap it (moving by a quarter hour).
            old.status = Appointment.Status.RESCHEDULED
            old.save(update_fields=["status", "updated_at"])
            new = moved_copy(old, start=start, status=Appointment.Status.CONFIRMED)
            try:
                with transaction.atomic():
                    new.save()
            except IntegrityError as error:
                if _is_overlap(error):
                    raise TimeTaken(_taken_message(_colliding(new)), field="time") from error
                raise
            old.rescheduled_to = new
            old.save(update_fields=["rescheduled_to", "updated_at"])
            appointment_notify(
                appointment=new, event=Event.RESCHEDULED, by_clinician=_is_theirs(actor, new)
            )
            _audit(request, actor, AuditEvent.Action.CHANGE, old.client, "appointment moved")
            return new
    except IntegrityError as error:
        if _is_overlap(error):
            raise TimeTaken(_taken_message(None), field="time") from error
        raise


def appointment_office_cancel(
    *, appointment: Appointment, actor: Actor, request: HttpRequest | None
) -> Appointment:
    """Cancel an active appointment from the office, at any time before or after it starts."""
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("client")
            .get(pk=appointment.pk)
        )
        if not locked.is_active:
            raise ScheduleError("This appointment is no longer active.")
        locked.status = Appointment.Status.CANCELLED
        locked.ical_sequence += 1
        locked.save(update_fields=["status", "ical_sequence", "updated_at"])
        appointment_notify(
            appointment=locked, event=Event.CANCELLED, by_clinician=_is_theirs(actor, locked)
        )
        _audit(request, actor, AuditEvent.Action.CHANGE, locked.client, "appointment cancelled")
    return locked


# -- Consultation requests -----------------------------------------------------------------------


def _audit_request(
    request: HttpRequest | None, actor: Actor, consultation: ConsultationRequest, summary: str
) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        target_type="consultationrequest",
        target_uid=consultation.uid,
        client_uid=None,
        summary=summary,
    )


def _lock_open(consultation: ConsultationRequest) -> ConsultationRequest:
    locked = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
    if locked.status not in (ConsultationRequest.Status.NEW, ConsultationRequest.Status.CONTACTED):
        raise ScheduleError("This request has already been dealt with.")
    return locked


def consultation_request_contacted(
    *, consultation: ConsultationRequest, actor: Actor, request: HttpRequest | None
) -> ConsultationRequest:
    """Mark a new request as contacted."""
    with transaction.atomic():
        locked = _lock_open(consultation)
        if locked.status == ConsultationRequest.Status.CONTACTED:
            raise ScheduleError("This request is already marked as contacted.")
        locked.status = ConsultationRequest.Status.CONTACTED
        locked.save(update_fields=["status"])
        _audit_request(request, actor, locked, "marked contacted")
    return locked


def consultation_request_close(
    *, consultation: ConsultationRequest, reason: str, actor: Actor, request: HttpRequest | None
) -> ConsultationRequest:
    """Close an open request, keeping why."""
    reason = reason.strip()
    if not reason:
        raise ScheduleError("Say why the request is closed.", field="reason")
    with transaction.atomic():
        locked = _lock_open(consultation)
        locked.status = ConsultationRequest.Status.CLOSED
        locked.close_reason = reason[:200]
        locked.save(update_fields=["status", "close_reason_sealed"])
        # The reason is the therapist's own words and may be clinical: keep it out of the log.
        _audit_request(request, actor, locked, "closed")
    return locked


def consultation_request_accept(
    *,
    consultation: ConsultationRequest,
    kind: str,
    people: list[PersonDetails],
    display_name: str,
    actor: Actor,
    request: HttpRequest | None,
) -> Client:
    """Turn an open request into a client of the request's clinician (an individual or a couple).

    The request row is locked first, so a form sent twice makes one client, not an error.
    """
    with transaction.atomic():
        locked = _lock_open(consultation)
        try:
            client = client_create(
                kind=kind,
                people=people,
                display_name=display_name,
                clinician_id=locked.clinician_id,
                actor=actor,
                request=request,
                consultation=locked,
            )
        except ClientError as error:
            raise ScheduleError(error.message) from error
        _audit_request(request, actor, locked, "became a client")
    return client
