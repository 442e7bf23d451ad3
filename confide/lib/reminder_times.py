"""When a reminder goes out: offsets, quiet hours and retry back-off, as pure functions.

Every moment here is an aware datetime and every result is in UTC. Offsets are durations
subtracted in UTC, so "48 hours before" is 48 elapsed hours even when a daylight-saving change
falls in between (the wall clock then shows 47 or 49 hours). Quiet hours are wall-clock times of
the recipient's zone, so they follow the zone across changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

UTC = dt.UTC

# A reminder that would arrive closer to the start than this no longer helps anyone get there.
MIN_LEAD = dt.timedelta(minutes=30)
# Waits before attempts 2, 3, 4 and 5; a fifth failure is final.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=30),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class Skip(StrEnum):
    """Why a reminder is not sent; the values are shown to the therapist."""

    QUIET_HOURS = "quiet hours last until too close to the appointment"
    SAFE_HOURS = "no time the person said is safe before the appointment"
    TOO_LATE = "too close to the appointment"


@dataclass(frozen=True)
class QuietHours:
    """A nightly span of wall-clock time, such as 21:00 to 08:00; it may wrap past midnight.

    ``start == end`` means no quiet hours at all.
    """

    start: dt.time
    end: dt.time

    def contains(self, wall: dt.time) -> bool:
        """Return True when the wall-clock time falls inside the span (start in, end out)."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end


@dataclass(frozen=True)
class SafeHours:
    """The days and hours a person said contact is safe, on their own wall clock.

    ``days`` are weekdays, Monday 0 to Sunday 6; none means any day. ``start`` is the earliest
    time and ``end`` the latest (not itself inside); None leaves that side open.
    """

    days: frozenset[int] = frozenset()
    start: dt.time | None = None
    end: dt.time | None = None

    def allows(self, wall: dt.datetime) -> bool:
        """Return True when the naive wall-clock moment falls on a safe day, in the safe hours."""
        if self.days and wall.weekday() not in self.days:
            return False
        time = wall.time()
        if self.start is not None and time < self.start:
            return False
        return self.end is None or time < self.end

    def limits(self) -> bool:
        """Return True when it rules anything out."""
        return bool(self.days) or self.start is not None or self.end is not None


# The latest safe time before an appointment is this long before the safe span ends, so that
# a message sent then still arrives inside it.
SAFE_END_MARGIN = dt.timedelta(minutes=30)
# How far ahead and back safe and quiet times are looked for: a week covers every pattern.
_SEARCH_DAYS = 8


def _allowed(
    moment: dt.datetime, *, quiet: QuietHours | None, safe: SafeHours | None, tz: dt.tzinfo
) -> bool:
    local = moment.astimezone(tz).replace(tzinfo=None, fold=0)
    if quiet is not None and quiet.contains(local.time()):
        return False
    return safe is None or safe.allows(local)


def _at(day: dt.date, wall: dt.time, tz: dt.tzinfo) -> dt.datetime:
    # A wall time skipped by a spring change reads as the same distance past the change.
    return dt.datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def next_allowed(
    moment: dt.datetime, *, quiet: QuietHours | None, safe: SafeHours | None, tz: dt.tzinfo
) -> dt.datetime | None:
    """Return the first moment from ``moment`` on that is outside quiet hours and safe; None
    when there is none within a week.

    The answer is ``moment`` itself or a moment where contact becomes allowed: the start of a
    day, of the safe hours, or the end of the quiet hours.
    """
    moment = moment.astimezone(UTC)
    if _allowed(moment, quiet=quiet, safe=safe, tz=tz):
        return moment
    first = moment.astimezone(tz).date()
    walls = {dt.time(0)}
    walls |= {safe.start} if safe is not None and safe.start is not None else set()
    walls |= {quiet.end} if quiet is not None and quiet.start != quiet.end else set()
    found = [
        candidate
        for offset in range(_SEARCH_DAYS + 1)
        for wall in walls
        if (candidate := _at(first + dt.timedelta(days=offset), wall, tz)) > moment
        and _allowed(candidate, quiet=quiet, safe=safe, tz=tz)
    ]
    return min(found, default=None)


def last_allowed(
    *,
    before: dt.datetime,
    not_before: dt.datetime,
    quiet: QuietHours | None,
    safe: SafeHours | None,
    tz: dt.tzinfo,
) -> dt.datetime | None:
    """Return the latest moment in [``not_before``, ``before``] that is allowed, taken
    ``SAFE_END_MARGIN`` before an allowed span ends; None when there is none.
    """
    last = before.astimezone(tz).date()
    ends: set[dt.time] = set()
    if safe is not None and safe.end is not None:
        ends.add(safe.end)
    if quiet is not None and quiet.start != quiet.end:
        ends.add(quiet.start)
    found = []
    for offset in range(_SEARCH_DAYS + 1):
        day = last - dt.timedelta(days=offset)
        span_ends = [_at(day, wall, tz) for wall in ends] + [
            _at(day + dt.timedelta(days=1), dt.time(0), tz)
        ]
        for end in span_ends:
            candidate = end - SAFE_END_MARGIN
            if not_before <= candidate <= before and _allowed(
                candidate, quiet=quiet, safe=safe, tz=tz
            ):
                found.append(candidate)
    return max(found, default=None)


def _wall(moment: dt.datetime, tz: dt.tzinfo) -> dt.time:
    local = moment.astimezone(tz)
    return local.time().replace(tzinfo=None, fold=0)


def quiet_hours_end(moment: dt.datetime, *, quiet: QuietHours, tz: dt.tzinfo) -> dt.datetime:
    """Return the UTC moment the quiet span holding ``moment`` ends; ``moment`` if outside one."""
    if not quiet.contains(_wall(moment, tz)):
        return moment.astimezone(UTC)
    local = moment.astimezone(tz)
    day = local.date()
    # After midnight of a span that wraps, the end is today; before midnight, tomorrow.
    if quiet.start > quiet.end and _wall(moment, tz) >= quiet.start:
        day += dt.timedelta(days=1)
    # fold=0 picks the first of a repeated hour; a time skipped by a spring change reads as the
    # same distance past the change, both of which zoneinfo does when converting.
    end = dt.datetime.combine(day, quiet.end, tzinfo=tz)
    return end.astimezone(UTC)


def send_time(
    *,
    due: dt.datetime,
    start: dt.datetime,
    quiet: QuietHours | None,
    tz: dt.tzinfo,
    min_lead: dt.timedelta = MIN_LEAD,
    safe: SafeHours | None = None,
    not_before: dt.datetime | None = None,
) -> dt.datetime | Skip:
    """Return when a reminder due at ``due`` goes out, or why it does not.

    Without quiet hours (``quiet`` None, as for email) it goes at ``due``. A text due inside quiet
    hours waits for their end. Either way it must still arrive ``min_lead`` before ``start``.

    ``safe`` are the days and hours the person said contact is safe, for every channel. A
    reminder due outside them waits for the next safe time (outside quiet hours too, for a
    text). When that would be too close to the appointment, it goes earlier instead: at the
    latest safe time before it is due, no earlier than ``not_before`` (now, when planning); a
    reminder a day or two early is more use than none. With no such time it is skipped
    (``Skip.SAFE_HOURS``) and the office sees why.
    """
    latest = start.astimezone(UTC) - min_lead
    when = due.astimezone(UTC)
    if safe is not None and safe.limits():
        moved = next_allowed(when, quiet=quiet, safe=safe, tz=tz)
        if moved is not None and moved <= latest:
            return moved
        if not_before is not None:
            earlier = last_allowed(
                before=min(when, latest), not_before=not_before, quiet=quiet, safe=safe, tz=tz
            )
            if earlier is not None:
                return earlier
        return Skip.SAFE_HOURS if when <= latest else Skip.TOO_LATE
    if quiet is not None:
        moved = quiet_hours_end(when, quiet=quiet, tz=tz)
        if moved != when:
            return moved if moved <= latest else Skip.QUIET_HOURS
    return when if when <= latest else Skip.TOO_LATE


def reminder_due_times(
    *, start: dt.datetime, offsets: list[dt.timedelta], now: dt.datetime
) -> dict[dt.timedelta, dt.datetime]:
    """Return each offset's due moment in UTC, leaving out those already past at ``now``.

    A booking made 30 hours ahead gets no "48 hours before" reminder: it would arrive at once,
    right after the confirmation, and say less than it does.
    """
    due = {offset: start.astimezone(UTC) - offset for offset in offsets if offset > dt.timedelta()}
    return {offset: moment for offset, moment in due.items() if moment >= now}


def retry_at(*, attempts: int, now: dt.datetime) -> dt.datetime | None:
    """Return when to try again after ``attempts`` failed attempts; None after the last one."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now.astimezone(UTC) + RETRY_DELAYS[max(attempts, 1) - 1]
