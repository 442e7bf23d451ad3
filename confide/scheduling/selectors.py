"""The read side of scheduling: calendars, open slots, days of appointments, zones to show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q, QuerySet, Value
from django.utils import dateformat

from confide.accounts.access import clinician_scope
from confide.clients.models import Client
from confide.practice.models import Clinician, Practice, time_zone_names
from confide.scheduling.errors import SchedulingError, SlotTaken, SlotUnavailable
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
# Cancelled, declined and moved appointments leave the office's calendar; what happened stays.
SHOWN_STATUSES = (*Appointment.ACTIVE_STATUSES, Appointment.Status.COMPLETED,
                  Appointment.Status.NO_SHOW)  # fmt: skip
# A day's list also keeps a session cancelled once its time had come, so the office sees (and can
# take back) what it recorded.
SHOWN_IN_DAYS = Q(status__in=SHOWN_STATUSES) | Q(
    status=Appointment.Status.CANCELLED, outcome_at__gte=F("start")
)
COMMON_ZONES = [
    ("America/New_York", "Eastern Time (New York)"),
    ("America/Chicago", "Central Time (Chicago)"),
    ("America/Denver", "Mountain Time (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific Time (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
]


# -- Zones ---------------------------------------------------------------------------------------


def zone_or_default(name: str | None, default: str) -> ZoneInfo:
    """Return the named zone when it is a real IANA zone, else the default one."""
    if name and name in time_zone_names():
        return ZoneInfo(name)
    return ZoneInfo(default)


def zone_label(zone: ZoneInfo) -> str:
    """Return the zone as people say it, for the zones most visitors are in."""
    return dict(COMMON_ZONES).get(zone.key, zone.key.replace("_", " "))


def zone_choices(current: ZoneInfo) -> list[tuple[str, str]]:
    """Return the zones a visitor may pick from, with the current one among them."""
    common = list(COMMON_ZONES)
    if current.key not in dict(common):
        common.append((current.key, zone_label(current)))
    return common


def own_clinician(user: Any) -> Clinician | None:
    """Return the clinician this user is (a clinician, or an owner who sees clients), if any."""
    # A missing staff profile raises an AttributeError subclass, which getattr turns into None.
    profile = getattr(user, "staff_profile", None)
    return profile.clinician if profile is not None else None


def display_zone(user: Any, clinician: Clinician | None = None) -> ZoneInfo:
    """Return the zone the office shows times in: the clinician's, else the practice's."""
    clinician = clinician_scope(user) or clinician
    if clinician is not None:
        return clinician.tz()
    return ZoneInfo(Practice.load().time_zone)


def visible_clinicians(user: Any) -> QuerySet[Clinician] | None:
    """Return the clinicians whose calendars the user may choose between, or None for their own."""
    if clinician_scope(user) is not None:
        return None
    return Clinician.objects.all()


# -- Calendars and open slots --------------------------------------------------------------------


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


def slot_is_open(
    *,
    appointment_type: AppointmentType,
    start: dt.datetime,
    now: dt.datetime,
    moving: int | None = None,
) -> bool:
    """Return True when ``start`` is one of the times the public may book this type at now.

    ``moving`` is the id of an appointment being moved, whose own time counts as free.
    """
    day = start.astimezone(appointment_type.clinician.tz()).date()
    return start in available_slots(
        appointment_type=appointment_type, now=now, first_day=day, last_day=day, moving=moving
    )


def unavailable_or_taken(
    *, appointment_type: AppointmentType, start: dt.datetime, now: dt.datetime
) -> SchedulingError:
    """Return the error for a start that is not open: taken by someone else, or never offered."""
    end = start + appointment_type.duration
    taken = Appointment.objects.active().filter(
        clinician=appointment_type.clinician, busy_start__lt=end, busy_end__gt=start
    )
    return SlotTaken() if taken.exists() and start > now else SlotUnavailable()


@dataclass(frozen=True)
class SlotWeek:
    """One week of the bookable window: its open starts, by day of the visitor's zone."""

    week: int
    first_day: dt.date
    last_day: dt.date
    days: list[tuple[dt.date, list[dt.datetime]]]
    has_previous: bool
    has_next: bool


def slot_week(
    *,
    appointment_type: AppointmentType,
    now: dt.datetime,
    week: int,
    zone: ZoneInfo,
    moving: Appointment | None = None,
) -> SlotWeek:
    """Return the open starts of week ``week`` (0 is this week) of the bookable window.

    A week outside the window is read as its nearest end. With ``moving``, the appointment being
    moved leaves its own time free and is not offered the start it already has.
    """
    window_first, window_last = bookable_window(appointment_type=appointment_type, now=now)
    weeks = (window_last - window_first).days // 7 + 1
    week = min(max(week, 0), weeks - 1)
    first_day = window_first + dt.timedelta(days=7 * week)
    last_day = min(first_day + dt.timedelta(days=6), window_last)
    starts = available_slots(
        appointment_type=appointment_type,
        now=now,
        first_day=first_day,
        last_day=last_day,
        moving=moving.pk if moving is not None else None,
    )
    days: dict[dt.date, list[dt.datetime]] = defaultdict(list)
    for start in starts:
        if moving is None or start != moving.start:
            days[start.astimezone(zone).date()].append(start)
    return SlotWeek(
        week=week,
        first_day=first_day,
        last_day=last_day,
        days=sorted(days.items()),
        has_previous=week > 0,
        has_next=week + 1 < weeks,
    )


def inside_cancellation_window(*, appointment: Appointment, now: dt.datetime) -> bool:
    """Return True when the appointment is too close to change online."""
    hours = Practice.load().cancellation_window_hours
    return appointment.start - now < dt.timedelta(hours=hours)


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


# -- Wall-clock times typed in the office --------------------------------------------------------


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


# -- Days of appointments ------------------------------------------------------------------------


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC span of one calendar day in ``tz``.

    Midnight to midnight on the wall clock, so a daylight-saving day is 23 or 25 hours long.
    """
    return wall_to_utc(day, dt.time(0), tz), wall_to_utc(day + dt.timedelta(days=1), dt.time(0), tz)


@dataclass(frozen=True)
class Day:
    date: dt.date
    appointments: list[Appointment]
    # Time off that touches the day, filled by ``days_time_off_add``.
    time_off: list[AvailabilityRule] = field(default_factory=list)


# What a day's list never shows, left in the database: a practice's week is hundreds of rows,
# and each would otherwise carry its clinician's biography and a request's sealed text.
DAY_LIST_DEFERRED = (
    "clinician__bio",
    "clinician__bio_html",
    "consultation__note_sealed",
    "consultation__preferred_times_sealed",
    "consultation__safe_times_sealed",
    "consultation__close_reason_sealed",
)


def appointments_by_day(
    appointments: QuerySet[Appointment], *, first: dt.date, days: int, tz: ZoneInfo
) -> list[Day]:
    """Return each day from ``first`` with the appointments that start on it, in ``tz``."""
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(first + dt.timedelta(days=days - 1), tz)
    rows = list(
        appointments.filter(start__gte=start, start__lt=end)
        .filter(SHOWN_IN_DAYS)
        .select_related("appointment_type", "client", "consultation", "clinician")
        .defer(*DAY_LIST_DEFERRED)
        .order_by("start")
    )
    by_date: dict[dt.date, list[Appointment]] = {}
    for appointment in rows:
        appointment.local_start = appointment.start.astimezone(tz)  # type: ignore[attr-defined]
        appointment.local_end = appointment.end.astimezone(tz)  # type: ignore[attr-defined]
        by_date.setdefault(appointment.local_start.date(), []).append(  # type: ignore[attr-defined]
            appointment
        )
    return [
        Day(date=d, appointments=by_date.get(d, []))
        for d in (first + dt.timedelta(days=i) for i in range(days))
    ]


def client_appointments(client: Client) -> QuerySet[Appointment]:
    """Return the client's appointments, including the consultation booked before."""
    belongs = Q(client=client)
    if client.consultation_id is not None:
        belongs |= Q(consultation_id=client.consultation_id)
    return Appointment.objects.filter(belongs).select_related("appointment_type").order_by("start")


def appointments_for_export(
    client: Client, appointments: list[Appointment] | None = None
) -> list[dict[str, Any]]:
    """Return the client's appointments as plain data, for the export of their record.

    ``appointments`` are the client's appointments already read (``client_appointments``), so a
    printout that lists them too reads them once; without them they are read here.
    """
    if appointments is None:
        appointments = list(client_appointments(client))
    return [
        {
            "start": a.start.isoformat(),
            "end": a.end.isoformat(),
            "type": a.appointment_type.name,
            "format": a.format,
            "status": a.status,
            "outcome": a.outcome or None,
        }
        for a in appointments
    ]


# -- Time off ------------------------------------------------------------------------------------


def time_off_between(clinician: Clinician, first: dt.date, last: dt.date) -> list[AvailabilityRule]:
    """Return the clinician's time off that touches any date from ``first`` to ``last``."""
    return list(
        AvailabilityRule.objects.filter(
            clinician=clinician,
            kind=AvailabilityRule.Kind.OFF,
            first_day__lte=last,
            last_day__gte=first,
        ).order_by("first_day", "start_time")
    )


def time_off_spans(
    *,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time | None,
    end_time: dt.time | None,
    tz: ZoneInfo,
) -> list[Interval]:
    """Return the UTC spans a stretch of time off covers, read in the clinician's zone ``tz``.

    Whole days run from midnight to midnight on the wall clock (23 or 25 hours on a
    daylight-saving day); part days cover the same hours on each date, as the slots engine
    reads them.
    """
    if start_time is None or end_time is None:
        start, _ = day_bounds(first_day, tz)
        _, end = day_bounds(last_day, tz)
        return [Interval(start, end)]
    spans = []
    for day in _days(first_day, last_day):
        start, end = wall_to_utc(day, start_time, tz), wall_to_utc(day, end_time, tz)
        # A part day that falls inside a spring-forward gap has no time in it.
        if end > start:
            spans.append(Interval(start, end))
    return spans


def sessions_during_time_off(
    *,
    clinician: Clinician,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
) -> list[Appointment]:
    """Return the clinician's active appointments that overlap the time off, earliest first.

    Each carries ``local_start`` and ``local_end`` in the clinician's zone. Only the session
    itself counts, not its buffers: a buffer running into time off is no session to move.
    """
    tz = clinician.tz()
    spans = time_off_spans(
        first_day=first_day, last_day=last_day, start_time=start_time, end_time=end_time, tz=tz
    )
    if not spans:
        return []
    rows = (
        Appointment.objects.active()
        .filter(clinician=clinician, start__lt=spans[-1].end, end__gt=spans[0].start)
        .select_related("appointment_type", "client", "consultation")
        .defer(*(name for name in DAY_LIST_DEFERRED if name.startswith("consultation__")))
        .order_by("start")
    )
    covered = []
    for appointment in rows:
        if any(appointment.start < s.end and appointment.end > s.start for s in spans):
            appointment.local_start = appointment.start.astimezone(tz)  # type: ignore[attr-defined]
            appointment.local_end = appointment.end.astimezone(tz)  # type: ignore[attr-defined]
            covered.append(appointment)
    return covered


def days_time_off_add(days: list[Day], clinician: Clinician | None) -> None:
    """Put on each day the time off that touches it: the clinician's, or everyone's for None.

    The days are dates of the zone shown and time off is in each clinician's own zone; a day's
    list names the date, which is the same in both for a practice in one region.
    """
    if not days:
        return
    rules = AvailabilityRule.objects.filter(
        kind=AvailabilityRule.Kind.OFF,
        first_day__lte=days[-1].date,
        last_day__gte=days[0].date,
    ).order_by("clinician__order", "clinician__name", "start_time")
    if clinician is not None:
        rules = rules.filter(clinician=clinician)
    rows = list(rules.select_related("clinician").only(
        "first_day", "last_day", "start_time", "end_time", "clinician__name"
    ))  # fmt: skip
    for day in days:
        day.time_off.extend(
            r for r in rows if r.first_day and r.last_day and r.first_day <= day.date <= r.last_day
        )
