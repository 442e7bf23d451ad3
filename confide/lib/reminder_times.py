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
) -> dt.datetime | Skip:
    """Return when a reminder due at ``due`` goes out, or why it does not.

    Without quiet hours (``quiet`` None, as for email) it goes at ``due``. A text due inside quiet
    hours waits for their end. Either way it must still arrive ``min_lead`` before ``start``.
    """
    latest = start.astimezone(UTC) - min_lead
    when = due.astimezone(UTC)
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
