"""Booking, moving and cancelling appointments: every write of the scheduling app."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Value

from confide.clients.models import ConsultationRequest
from confide.clients.screening import needs_attention
from confide.notifications.events import Event
from confide.notifications.services import appointment_notify
from confide.practice.models import Clinician, Practice, time_zone_names
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.slots import (
    Interval,
    WallRange,
    free_slots,
    subtract_intervals,
    wall_to_utc,
    working_intervals,
)

UTC = dt.UTC


class BookingError(Exception):
    """A booking that cannot be made; ``message`` is written for the person booking."""

    message = "That time can't be booked."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class SlotUnavailable(BookingError):
    message = "That time isn't open for booking. Please choose one of the times shown."


class SlotTaken(BookingError):
    message = "That time was just taken by someone else."


class AlreadyBooked(BookingError):
    """The same booking form was sent twice; ``appointment`` is the booking it made."""

    message = "This booking has already been made."

    def __init__(self, appointment: Appointment) -> None:
        super().__init__()
        self.appointment = appointment


class InsideCancellationWindow(BookingError):
    message = "It is too close to the appointment to change it online."


class NotChangeable(BookingError):
    message = "This appointment can no longer be changed."


@dataclass(frozen=True, kw_only=True)
class ContactDetails:
    """What a person tells the practice when they book or ask for a consultation."""

    name: str
    email: str = ""
    phone: str = ""
    may_call: bool = False
    may_text: bool = False
    may_email: bool = False
    voicemail_ok: bool = False
    may_name_practice: bool = False
    safe_times: str = ""
    for_couple: bool = False
    partner_name: str = ""
    note: str = ""
    wants_calendar_file: bool = False
    time_zone: str = ""


@dataclass(frozen=True)
class Calendar:
    """A clinician's availability and busy time for a stretch of dates, ready for the engine."""

    working: list[Interval]
    busy: list[Interval]


def clinician_calendar(
    *, clinician: Clinician, first_day: dt.date, last_day: dt.date, moving: int | None = None
) -> Calendar:
    """Return the clinician's working and busy time between two dates of their own zone.

    One query reads the availability rules and the busy appointments together (a UNION), so the
    public slots page costs the same few queries whatever the horizon. The appointment whose id
    is ``moving`` is left out of the busy time: it is the one being moved.
    """
    tz = clinician.tz()
    window_start = wall_to_utc(first_day, dt.time(0), tz) - dt.timedelta(days=1)
    window_end = wall_to_utc(last_day + dt.timedelta(days=1), dt.time(0), tz) + dt.timedelta(days=1)
    Kind = AvailabilityRule.Kind
    rules = (
        AvailabilityRule.objects.filter(clinician=clinician)
        .filter(
            models.Q(kind=Kind.WEEKLY)
            | models.Q(first_day__lte=last_day, last_day__gte=first_day, kind=Kind.OFF)
            | models.Q(first_day__range=(first_day, last_day), kind=Kind.EXTRA)
        )
        .order_by()
        .values_list(
            "kind",
            "weekday",
            "first_day",
            "last_day",
            "start_time",
            "end_time",
            Value(None, output_field=models.DateTimeField()),
            Value(None, output_field=models.DateTimeField()),
        )
    )
    busy_appointments = Appointment.objects.active().filter(
        clinician=clinician, busy_start__lt=window_end, busy_end__gt=window_start
    )
    if moving is not None:
        busy_appointments = busy_appointments.exclude(pk=moving)
    busy_rows = busy_appointments.order_by().values_list(
        Value("busy", output_field=models.CharField()),
        Value(None, output_field=models.IntegerField()),
        Value(None, output_field=models.DateField()),
        Value(None, output_field=models.DateField()),
        Value(None, output_field=models.TimeField()),
        Value(None, output_field=models.TimeField()),
        "busy_start",
        "busy_end",
    )
    weekly: dict[int, list[WallRange]] = defaultdict(list)
    extra: dict[dt.date, list[WallRange]] = defaultdict(list)
    off_days: set[dt.date] = set()
    part_off: list[Interval] = []
    busy: list[Interval] = []
    for kind, weekday, day, last, start, end, busy_start, busy_end in rules.union(
        busy_rows, all=True
    ):
        if kind == "busy":
            busy.append(Interval(_aware(busy_start), _aware(busy_end)))
        elif kind == Kind.WEEKLY:
            weekly[weekday].append((start, end))
        elif kind == Kind.EXTRA:
            extra[day].append((start, end))
        elif start is None:
            off_days.update(_days(max(day, first_day), min(last, last_day)))
        else:
            part_off.extend(
                Interval(wall_to_utc(d, start, tz), wall_to_utc(d, end, tz))
                for d in _days(max(day, first_day), min(last, last_day))
                if wall_to_utc(d, end, tz) > wall_to_utc(d, start, tz)
            )
    working = working_intervals(
        tz=tz, first_day=first_day, last_day=last_day, weekly=weekly, off_days=off_days, extra=extra
    )
    # Part-day time off comes out of the working hours without buffers: it is not a session.
    if part_off:
        working = subtract_intervals(working, part_off)
    return Calendar(working=working, busy=busy)


def _aware(value: dt.datetime | str) -> dt.datetime:
    # Values from the union's second branch arrive as text on SQLite.
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def bookable_window(
    *, appointment_type: AppointmentType, now: dt.datetime
) -> tuple[dt.date, dt.date]:
    """Return the first and last dates (clinician's zone) on which this type may be booked."""
    tz = appointment_type.clinician.tz()
    first = now.astimezone(tz).date()
    last = (now + dt.timedelta(days=appointment_type.horizon_days)).astimezone(tz).date()
    return first, last


def available_slots(
    *,
    appointment_type: AppointmentType,
    now: dt.datetime,
    first_day: dt.date,
    last_day: dt.date,
    moving: int | None = None,
) -> list[dt.datetime]:
    """Return the UTC starts at which this type can be booked between two dates of the clinician.

    ``moving`` is the id of an appointment being moved, whose own time counts as free.
    """
    window_first, window_last = bookable_window(appointment_type=appointment_type, now=now)
    first_day, last_day = max(first_day, window_first), min(last_day, window_last)
    if last_day < first_day:
        return []
    calendar = clinician_calendar(
        clinician=appointment_type.clinician, first_day=first_day, last_day=last_day, moving=moving
    )
    return free_slots(
        working=calendar.working,
        busy=calendar.busy,
        duration=appointment_type.duration,
        step=dt.timedelta(minutes=appointment_type.slot_step_minutes),
        # Stored busy spans already hold the existing appointments' own buffers; the new one's
        # buffers must fit too, so its buffer *after* keeps it clear of the next busy span's start
        # and its buffer *before* keeps it clear of the previous one's end.
        buffer_before=dt.timedelta(minutes=appointment_type.buffer_after_minutes),
        buffer_after=dt.timedelta(minutes=appointment_type.buffer_before_minutes),
        now=now,
        min_notice=dt.timedelta(minutes=appointment_type.min_notice_minutes),
        not_after=now + dt.timedelta(days=appointment_type.horizon_days),
    )


def nearest_slots(
    *, appointment_type: AppointmentType, around: dt.datetime, now: dt.datetime, count: int = 5
) -> list[dt.datetime]:
    """Return up to ``count`` open starts closest to ``around``, in time order."""
    tz = appointment_type.clinician.tz()
    day = around.astimezone(tz).date()
    slots = available_slots(
        appointment_type=appointment_type,
        now=now,
        first_day=day - dt.timedelta(days=3),
        last_day=day + dt.timedelta(days=7),
    )
    closest = sorted(slots, key=lambda s: abs(s - around))[:count]
    return sorted(closest)


def _is_open(*, appointment_type: AppointmentType, start: dt.datetime, now: dt.datetime) -> bool:
    day = start.astimezone(appointment_type.clinician.tz()).date()
    return start in available_slots(
        appointment_type=appointment_type, now=now, first_day=day, last_day=day
    )


def _overlap_guard_on() -> bool:
    return bool(getattr(settings, "SCHEDULING_OVERLAP_GUARD", True))


def _is_overlap(error: IntegrityError) -> bool:
    cause = error.__cause__
    # PostgreSQL reports the exclusion constraint by SQLSTATE, SQLite by the trigger's message.
    return getattr(cause, "sqlstate", None) == "23P01" or "appointment_no_overlap" in str(error)


def appointment_book(
    *,
    appointment_type: AppointmentType,
    start: dt.datetime,
    format: str,
    contact: ContactDetails,
    now: dt.datetime,
    booking_key: str,
) -> Appointment:
    """Book a public appointment for someone new, or ask for it when the type needs approval.

    Raises SlotUnavailable when the time is not offered, SlotTaken when someone else got it
    first, and AlreadyBooked when the same form (``booking_key``) was used before.
    """
    if not appointment_type.is_public or format not in appointment_type.formats():
        raise SlotUnavailable
    if not (contact.email or contact.phone):
        raise BookingError("Give an email address or a phone number.")
    status = (
        Appointment.Status.CONFIRMED
        if appointment_type.booking == AppointmentType.Booking.PUBLIC
        else Appointment.Status.REQUESTED
    )
    if not _overlap_guard_on():
        return _book_without_guard(
            appointment_type, start, format, contact, now, booking_key, status
        )
    try:
        with transaction.atomic():
            if existing := Appointment.objects.filter(booking_key=booking_key).first():
                raise AlreadyBooked(existing)
            # On SQLite this transaction holds the write lock from its first statement, so the
            # check below and the insert cannot interleave with another booking; on PostgreSQL
            # the exclusion constraint refuses whichever of two racing inserts comes second.
            if not _is_open(appointment_type=appointment_type, start=start, now=now):
                raise _unavailable_or_taken(appointment_type, start, now)
            appointment = _create(appointment_type, start, format, contact, booking_key, status)
            appointment_notify(
                appointment=appointment,
                event=Event.BOOKED if status == Appointment.Status.CONFIRMED else Event.REQUESTED,
            )
            return appointment
    except IntegrityError as error:
        if existing := Appointment.objects.filter(booking_key=booking_key).first():
            raise AlreadyBooked(existing) from error
        if _is_overlap(error):
            raise SlotTaken from error
        raise


def _unavailable_or_taken(
    appointment_type: AppointmentType, start: dt.datetime, now: dt.datetime
) -> BookingError:
    """Tell a time someone else took apart from one that was never offered."""
    end = start + appointment_type.duration
    taken = Appointment.objects.active().filter(
        clinician=appointment_type.clinician, busy_start__lt=end, busy_end__gt=start
    )
    return SlotTaken() if taken.exists() and start > now else SlotUnavailable()


def _create(
    appointment_type: AppointmentType,
    start: dt.datetime,
    format: str,
    contact: ContactDetails,
    booking_key: str,
    status: str,
) -> Appointment:
    values = {f.name: getattr(contact, f.name) for f in fields(contact)}
    request = ConsultationRequest.objects.create(
        clinician=appointment_type.clinician,
        needs_attention=needs_attention(contact.note, contact.safe_times),
        **values,
    )
    appointment = Appointment(
        clinician=appointment_type.clinician,
        appointment_type=appointment_type,
        format=format,
        start=start,
        end=start + appointment_type.duration,
        status=status,
        consultation=request,
        booking_key=booking_key,
    )
    appointment.save()
    return appointment


def _book_without_guard(
    appointment_type: AppointmentType,
    start: dt.datetime,
    format: str,
    contact: ContactDetails,
    now: dt.datetime,
    booking_key: str,
    status: str,
) -> Appointment:
    """Check, then write, with nothing holding the two together: the race tests' control case.

    Only reachable with SCHEDULING_OVERLAP_GUARD off, which the concurrency tests set (with the
    database guard dropped) to show that the race they guard against is real.
    """
    if not _is_open(appointment_type=appointment_type, start=start, now=now):
        raise _unavailable_or_taken(appointment_type, start, now)
    # Stand in for a slower request between the check and the write.
    time.sleep(float(getattr(settings, "SCHEDULING_UNGUARDED_DELAY", 0.0)))
    return _create(appointment_type, start, format, contact, booking_key, status)


def consultation_request_create(
    *, clinician: Clinician, contact: ContactDetails, preferred_times: str
) -> ConsultationRequest:
    """Record a request for a consultation when none of the offered times fits."""
    if not (contact.email or contact.phone):
        raise BookingError("Give an email address or a phone number.")
    values = {f.name: getattr(contact, f.name) for f in fields(contact)}
    request = ConsultationRequest(
        clinician=clinician,
        needs_attention=needs_attention(contact.note, contact.safe_times, preferred_times),
        **values,
    )
    # Sealed, so set on the row (whose uid it is bound to) rather than passed as a column.
    request.preferred_times = preferred_times
    request.save()
    return request


def inside_cancellation_window(*, appointment: Appointment, now: dt.datetime) -> bool:
    """Return True when the appointment is too close to change online."""
    hours = Practice.load().cancellation_window_hours
    return appointment.start - now < dt.timedelta(hours=hours)


def _check_changeable(appointment: Appointment, now: dt.datetime) -> None:
    if not appointment.is_active or appointment.start <= now:
        raise NotChangeable
    if inside_cancellation_window(appointment=appointment, now=now):
        raise InsideCancellationWindow


def appointment_cancel(
    *, appointment: Appointment, now: dt.datetime, by_clinician: bool = False
) -> Appointment:
    """Cancel an appointment; people booking online cannot inside the cancellation window."""
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if by_clinician:
            if not appointment.is_active:
                raise NotChangeable
        else:
            _check_changeable(appointment, now)
        appointment.status = Appointment.Status.CANCELLED
        appointment.ical_sequence += 1
        appointment.save(update_fields=["status", "ical_sequence", "updated_at"])
        appointment_notify(
            appointment=appointment, event=Event.CANCELLED, by_clinician=by_clinician
        )
    return appointment


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
        ical_uid=old.ical_uid,
        ical_sequence=old.ical_sequence + 1,
    )


def appointment_reschedule(
    *, appointment: Appointment, start: dt.datetime, now: dt.datetime
) -> Appointment:
    """Move an appointment to another open time; the old manage link then only shows the move.

    Returns the new appointment, which keeps the calendar UID with a higher sequence.
    """
    try:
        with transaction.atomic():
            old = (
                Appointment.objects.select_for_update()
                .select_related("appointment_type__clinician")
                .get(pk=appointment.pk)
            )
            _check_changeable(old, now)
            kind = old.appointment_type
            previous_status = old.status
            # Free the old time first: the new one may overlap it (moving by a quarter hour).
            old.status = Appointment.Status.RESCHEDULED
            old.save(update_fields=["status", "updated_at"])
            if not _is_open(appointment_type=kind, start=start, now=now):
                raise _unavailable_or_taken(kind, start, now)
            new = moved_copy(old, start=start, status=previous_status)
            new.save()
            old.rescheduled_to = new
            old.save(update_fields=["rescheduled_to", "updated_at"])
            appointment_notify(appointment=new, event=Event.RESCHEDULED)
            return new
    except IntegrityError as error:
        if _is_overlap(error):
            raise SlotTaken from error
        raise


def appointment_confirm(*, appointment: Appointment) -> Appointment:
    """Approve a requested appointment."""
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Appointment.Status.REQUESTED:
            raise NotChangeable("Only a requested appointment can be confirmed.")
        appointment.status = Appointment.Status.CONFIRMED
        appointment.save(update_fields=["status", "updated_at"])
        appointment_notify(appointment=appointment, event=Event.CONFIRMED)
    return appointment


def appointment_decline(*, appointment: Appointment) -> Appointment:
    """Turn down a requested appointment; its time opens again."""
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Appointment.Status.REQUESTED:
            raise NotChangeable("Only a requested appointment can be declined.")
        appointment.status = Appointment.Status.DECLINED
        appointment.ical_sequence += 1
        appointment.save(update_fields=["status", "ical_sequence", "updated_at"])
        appointment_notify(appointment=appointment, event=Event.DECLINED)
    return appointment


def zone_or_default(name: str | None, default: str) -> ZoneInfo:
    """Return the named zone when it is a real IANA zone, else the default one."""
    if name and name in time_zone_names():
        return ZoneInfo(name)
    return ZoneInfo(default)
