"""Free appointment slots from working hours, time off and busy times; no Django imports.

Every instant here is an aware datetime in UTC. Wall-clock times (working hours) are turned into
UTC on their own date, so a daylight-saving change moves them correctly from one day to the next.

Time off for a whole day goes in ``off_days``. Time off for part of a day can be passed to
``free_slots`` as a busy interval (buffers then apply to it too, which keeps a gap before the
clinician leaves) or removed from the working intervals with ``subtract_intervals`` (no buffers).

Spec files and the command line (``python -m confide.scheduling.slots``) are in ``slots_spec``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

type WallRange = tuple[time, time]
"""A working range in wall-clock time: (start, end), end after start on the same date.

A range cannot run past midnight; give the hours after midnight as a range on the next date.
"""

_NO_RANGES: Mapping[date, Sequence[WallRange]] = MappingProxyType({})
_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of time [start, end) between two aware datetimes, stored in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Interval needs aware datetimes")
        # Normalise to UTC: adding a timedelta to a datetime in a ZoneInfo zone is wall-clock
        # arithmetic, which would step over (or into) a daylight-saving change by an hour.
        if self.start.tzinfo is not UTC:
            object.__setattr__(self, "start", self.start.astimezone(UTC))
        if self.end.tzinfo is not UTC:
            object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.end <= self.start:
            raise ValueError(f"Interval ends before it starts: {self.start} to {self.end}")


def wall_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """Return the UTC instant that the wall-clock time ``wall`` on ``day`` in ``tz`` stands for."""
    return datetime.combine(day, _fold0(wall), tz).astimezone(UTC)


def _fold0(wall: time) -> time:
    """Return ``wall`` with fold=0, which fixes how gaps and folds of daylight saving are read."""
    # Use fold=0 whatever the caller passed, which gives the two daylight-saving rules below.
    # They match RFC 5545 (iCalendar) and the "compatible" rule of java.time and JS Temporal, so
    # the calendar files Confide sends agree with the slots it offers.
    # - Gap (spring forward, e.g. 02:30 on 2027-03-14 in New York does not exist): fold=0 reads
    #   the time with the offset in force before the change, which shifts it forward by the gap
    #   (02:30 EST is 03:30 EDT). A clinician who set 02:30 starts once the clock has moved on,
    #   never an hour early.
    # - Fold (fall back, e.g. 01:30 on 2027-11-07 in New York happens twice): fold=0 takes the
    #   first occurrence (01:30 EDT), for starts and ends alike: the clinician starts, or stops,
    #   the first time the clock reads that time, as they would on any other day.
    # The check keeps the common case free of a costly replace() call.
    return wall.replace(fold=0) if wall.fold else wall


def working_intervals(
    *,
    tz: ZoneInfo,
    first_day: date,
    last_day: date,
    weekly: Mapping[int, Sequence[WallRange]],
    off_days: Collection[date] = (),
    overrides: Mapping[date, Sequence[WallRange]] = _NO_RANGES,
    extra: Mapping[date, Sequence[WallRange]] = _NO_RANGES,
) -> list[Interval]:
    """Return the working time from ``first_day`` to ``last_day`` (inclusive) as merged UTC spans.

    ``weekly`` maps ISO weekdays (1 is Monday) to wall-clock ranges in ``tz``; ``overrides``
    replaces a date's weekly ranges (an empty list means no hours); ``off_days`` removes a date's
    weekly or override ranges; ``extra`` adds one-off ranges to a date.
    """
    off = off_days if isinstance(off_days, (set, frozenset)) else frozenset(off_days)
    spans: list[tuple[datetime, datetime]] = []
    combine = datetime.combine
    day = first_day
    while day <= last_day:
        ranges: Iterable[WallRange] = ()
        if day not in off:
            ranges = overrides.get(day, weekly.get(day.isoweekday(), ()))
        # Extra hours apply even on an off day: they are added one date at a time, after the
        # clinician has marked the day off, so they are the more specific wish.
        more = extra.get(day)
        if more:
            ranges = [*ranges, *more]
        for start, end in ranges:
            if end <= start:
                raise ValueError(f"Working range on {day} ends before it starts: {start}-{end}")
            # combine() ignores the times' own tzinfo when given one, so only fold needs care.
            start_utc = combine(day, _fold0(start), tz).astimezone(UTC)
            end_utc = combine(day, _fold0(end), tz).astimezone(UTC)
            # A range that starts in a spring-forward gap and ends just after it can shrink to
            # nothing once the start is shifted forward (02:50-03:10 in New York on 2027-03-14
            # is 07:50-07:10 UTC); it has no time in it, so drop it.
            if end_utc > start_utc:
                spans.append((start_utc, end_utc))
        day += _ONE_DAY
    return [Interval(start, end) for start, end in _merge(spans)]


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Return the intervals sorted by start, with overlapping and touching ones joined."""
    return [Interval(s, e) for s, e in _merge([(iv.start, iv.end) for iv in intervals])]


def subtract_intervals(base: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """Return the parts of ``base`` not covered by ``holes``, sorted and merged."""
    rest = _subtract(
        _merge([(iv.start, iv.end) for iv in base]),
        _merge([(iv.start, iv.end) for iv in holes]),
    )
    return [Interval(s, e) for s, e in rest]


def free_slots(
    *,
    working: Sequence[Interval],
    busy: Sequence[Interval],
    duration: timedelta,
    step: timedelta,
    buffer_before: timedelta,
    buffer_after: timedelta,
    now: datetime,
    min_notice: timedelta,
    not_after: datetime | None = None,
) -> list[datetime]:
    """Return the UTC start times, in order, at which an appointment of ``duration`` can be booked.

    Each busy interval is widened by ``buffer_before`` and ``buffer_after``; in every stretch of
    working time left free, candidates are its start and then every ``step`` while the appointment
    still fits. Starts before ``now + min_notice`` or after ``not_after`` are left out. ``busy``
    may be unsorted and overlapping.
    """
    if duration <= _ZERO or step <= _ZERO:
        raise ValueError("duration and step must be positive")
    if buffer_before < _ZERO or buffer_after < _ZERO or min_notice < _ZERO:
        raise ValueError("buffers and minimum notice cannot be negative")
    if now.tzinfo is None or (not_after is not None and not_after.tzinfo is None):
        raise ValueError("now and not_after must be aware datetimes")
    earliest = now.astimezone(UTC) + min_notice
    latest = None if not_after is None else not_after.astimezone(UTC)

    blocked = _merge([(iv.start - buffer_before, iv.end + buffer_after) for iv in busy])
    free = _subtract(_merge([(iv.start, iv.end) for iv in working]), blocked)

    slots: list[datetime] = []
    append = slots.append
    for start, end in free:
        last = end - duration
        if latest is not None and latest < last:
            last = latest
        if last < earliest or last < start:
            continue
        first = start
        if first < earliest:
            # Jump to the first step on or after the notice limit instead of walking to it;
            # candidates stay on the free interval's own grid.
            first += -((start - earliest) // step) * step
        while first <= last:
            append(first)
            first += step
    return slots


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sort spans and join those that overlap or touch."""
    # Join touching spans too: a clinician who enters 09:00-12:00 and 12:00-17:00 means one
    # stretch of work, so an appointment may run across 12:00; busy spans that touch leave no
    # free time between them either way.
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(
    base: list[tuple[datetime, datetime]], holes: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """Remove sorted, merged ``holes`` from sorted, merged ``base`` in one linear pass."""
    out: list[tuple[datetime, datetime]] = []
    h = 0
    n = len(holes)
    for start, end in base:
        # Holes that end before this span starts cannot touch any later span either.
        while h < n and holes[h][1] <= start:
            h += 1
        cursor = start
        i = h
        while i < n and holes[i][0] < end:
            hole_start, hole_end = holes[i]
            if hole_start > cursor:
                out.append((cursor, hole_start))
            if hole_end > cursor:
                cursor = hole_end
            if cursor >= end:
                break
            i += 1
        if cursor < end:
            out.append((cursor, end))
    return out


if __name__ == "__main__":
    # The command line lives in slots_spec; imported only here, the engine stays small.
    import sys

    from confide.scheduling.slots_spec import main

    sys.exit(main())
