"""What the calendar's time grid and month overview show, read with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import dateformat

from confide.office import time_grid
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AvailabilityRule
from confide.scheduling.selectors import SHOWN_IN_DAYS, Day, day_bounds

MINUTES = time_grid.DAY_MINUTES


@dataclass
class Hours:
    """A clinician's working hours and time off on one date, as wall-clock minute spans."""

    working: list[time_grid.Span] = field(default_factory=list)
    off: list[time_grid.Span] = field(default_factory=list)


@dataclass(frozen=True)
class Session:
    """A session's block and the words its link says: who, as the list names them, and state."""

    block: time_grid.Block[Appointment]
    who: str
    state: str

    @property
    def item(self) -> Appointment:
        return self.block.item


@dataclass
class GridDay:
    date: dt.date
    working: list[time_grid.Band]
    off: list[time_grid.Band]
    blocks: list[Session]
    hours_label: str
    chosen: bool
    url: str = ""


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _clock(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return dateformat.time_format(dt.time(hour % 24, minute), "g:i A")


def hours_by_date(clinician: Clinician, first: dt.date, last: dt.date) -> dict[dt.date, Hours]:
    """Return the clinician's working hours and time off on each date, in their own zone.

    One query reads weekly hours, extra hours and time off together. Extra hours count even on
    a day off, as the slots engine reads them (they are the more specific wish).
    """
    Kind = AvailabilityRule.Kind
    rules = AvailabilityRule.objects.filter(clinician=clinician).filter(
        Q(kind=Kind.WEEKLY)
        | Q(kind=Kind.OFF, first_day__lte=last, last_day__gte=first)
        | Q(kind=Kind.EXTRA, first_day__range=(first, last))
    )
    weekly: dict[int, list[time_grid.Span]] = defaultdict(list)
    extra: dict[dt.date, list[time_grid.Span]] = defaultdict(list)
    whole_off: set[dt.date] = set()
    part_off: dict[dt.date, list[time_grid.Span]] = defaultdict(list)
    for rule in rules:
        start = _minutes(rule.start_time) if rule.start_time else 0
        end = _minutes(rule.end_time) if rule.end_time else MINUTES
        if rule.kind == Kind.WEEKLY and rule.weekday:
            weekly[rule.weekday].append((start, end))
        elif rule.kind == Kind.EXTRA and rule.first_day:
            extra[rule.first_day].append((start, end))
        elif rule.kind == Kind.OFF and rule.first_day and rule.last_day:
            day = max(rule.first_day, first)
            while day <= min(rule.last_day, last):
                if rule.start_time is None:
                    whole_off.add(day)
                else:
                    part_off[day].append((start, end))
                day += dt.timedelta(days=1)
    shown: dict[dt.date, Hours] = {}
    day = first
    while day <= last:
        off = [(0, MINUTES)] if day in whole_off else sorted(part_off[day])
        working = [] if day in whole_off else list(weekly[day.isoweekday()])
        shown[day] = Hours(working=sorted(working + extra[day]), off=off)
        day += dt.timedelta(days=1)
    return shown


def _hours_label(hours: Hours | None) -> str:
    if hours is None:
        return ""
    if hours.off == [(0, MINUTES)] and not hours.working:
        return "Time off"
    parts = [f"{_clock(s)}\N{EN DASH}{_clock(e)}" for s, e in hours.working]
    label = ", ".join(parts) if parts else "No working hours"
    if hours.off:
        label += "; time off " + ", ".join(
            "all day" if (s, e) == (0, MINUTES) else f"{_clock(s)}\N{EN DASH}{_clock(e)}"
            for s, e in hours.off
        )
    return label


def _span(appointment: Appointment, day: dt.date) -> time_grid.Span:
    local_start: dt.datetime = appointment.local_start  # type: ignore[attr-defined]
    local_end: dt.datetime = appointment.local_end  # type: ignore[attr-defined]
    start = local_start.hour * 60 + local_start.minute
    # A session that runs past midnight is drawn to the end of its first day.
    end = MINUTES if local_end.date() > day else local_end.hour * 60 + local_end.minute
    return start, max(end, start + 1)


def _who(appointment: Appointment) -> str:
    if appointment.client is not None:
        return appointment.client.display_name
    if appointment.consultation is not None:
        return appointment.consultation.name
    return "No client"


def _state(appointment: Appointment) -> str:
    if appointment.outcome:
        return str(appointment.get_outcome_display())
    return str(appointment.get_status_display())


def grid_days(
    days: list[Day], *, hours: dict[dt.date, Hours] | None, chosen: dt.date
) -> tuple[list[GridDay], tuple[int, int]]:
    """Return the days laid out on one grid, and the hours the grid runs from and to."""
    spans: list[time_grid.Span] = []
    for day in days:
        spans += [_span(a, day.date) for a in day.appointments]
        if hours is not None:
            spans += hours[day.date].working
    drawn = time_grid.grid_hours(spans)
    laid_out = []
    for day in days:
        today_hours = hours[day.date] if hours is not None else None
        laid_out.append(
            GridDay(
                date=day.date,
                working=time_grid.bands(today_hours.working, drawn) if today_hours else [],
                off=time_grid.bands(today_hours.off, drawn) if today_hours else [],
                blocks=[
                    Session(block=b, who=_who(b.item), state=_state(b.item))
                    for b in time_grid.blocks(
                        [(a, *_span(a, day.date)) for a in day.appointments], drawn
                    )
                ],
                hours_label=_hours_label(today_hours),
                chosen=day.date == chosen,
            )
        )
    return laid_out, drawn


@dataclass(frozen=True)
class MonthDay:
    date: dt.date
    count: int
    in_month: bool
    url: str = ""


def month_weeks(
    appointments: QuerySet[Appointment], *, month: dt.date, tz: ZoneInfo
) -> list[list[MonthDay]]:
    """Return the month's weeks, Monday first, each day with its count of sessions shown.

    One query reads the starts of the month's sessions; they are counted by date in ``tz``.
    """
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start, _ = day_bounds(first, tz)
    end, _ = day_bounds(following, tz)
    starts = (
        appointments.filter(start__gte=start, start__lt=end)
        .filter(SHOWN_IN_DAYS)
        .order_by()
        .values_list("start", flat=True)
    )
    counts = Counter(s.astimezone(tz).date() for s in starts)
    day = first - dt.timedelta(days=first.weekday())
    weeks: list[list[MonthDay]] = []
    while day < following:
        week = [
            MonthDay(date=d, count=counts[d], in_month=d.month == first.month)
            for d in (day + dt.timedelta(days=i) for i in range(7))
        ]
        weeks.append(week)
        day += dt.timedelta(days=7)
    return weeks
