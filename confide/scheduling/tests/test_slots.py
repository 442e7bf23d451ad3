"""Tables for the pure slot engine and its command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from confide.scheduling.slots import (
    Interval,
    free_slots,
    merge_intervals,
    subtract_intervals,
    wall_to_utc,
    working_intervals,
)

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "bench" / "data"
SPEC = DATA / "slots-spec-8w.json"
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
WEEKDAYS = (1, 2, 3, 4, 5)


def utc(text: str) -> datetime:
    """Read "2027-06-01T09:00" as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def span(start: str, end: str) -> Interval:
    return Interval(utc(start), utc(end))


def hhmm(text: str) -> time:
    return time.fromisoformat(text)


def wall(*pairs: tuple[str, str]) -> list[tuple[time, time]]:
    return [(hhmm(a), hhmm(b)) for a, b in pairs]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def spans(intervals: Sequence[Interval]) -> list[tuple[str, str]]:
    return [(iso(iv.start), iso(iv.end)) for iv in intervals]


def find_slots(
    working: Sequence[tuple[str, str]],
    busy: Sequence[tuple[str, str]] = (),
    *,
    duration: int = 60,
    step: int = 60,
    before: int = 0,
    after: int = 0,
    now: str = "2000-01-01T00:00",
    notice: int = 0,
    not_after: str | None = None,
) -> list[str]:
    """Run free_slots on UTC strings and minutes, and return the starts as UTC strings."""
    result = free_slots(
        working=[span(*w) for w in working],
        busy=[span(*b) for b in busy],
        duration=timedelta(minutes=duration),
        step=timedelta(minutes=step),
        buffer_before=timedelta(minutes=before),
        buffer_after=timedelta(minutes=after),
        now=utc(now),
        min_notice=timedelta(minutes=notice),
        not_after=None if not_after is None else utc(not_after),
    )
    return [iso(s) for s in result]


MORNING = [("2027-06-01T09:00", "2027-06-01T12:00")]


def at(*times: str) -> list[str]:
    """Expand "HH:MM" on the MORNING date to full UTC strings."""
    return [f"2027-06-01T{t}" for t in times]


def b(start: str, end: str) -> tuple[str, str]:
    """Give a busy span on the MORNING date."""
    return (f"2027-06-01T{start}", f"2027-06-01T{end}")


# --- free_slots ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, at("09:00", "10:00", "11:00"), id="hourly-fits-exactly-at-end"),
        pytest.param({"duration": 50}, at("09:00", "10:00", "11:00"), id="shorter-than-step"),
        pytest.param({"duration": 70}, at("09:00", "10:00"), id="last-would-overrun-end"),
        pytest.param({"duration": 180}, at("09:00"), id="fills-whole-interval"),
        pytest.param({"duration": 181}, [], id="longer-than-interval"),
        pytest.param(
            {"step": 15},
            at("09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00"),
            id="step-15",
        ),
        pytest.param(
            {"step": 45, "duration": 30}, at("09:00", "09:45", "10:30", "11:15"), id="step-45"
        ),
    ],
)
def test_it_steps_through_free_time_while_the_appointment_fits(
    kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert find_slots(MORNING, **kwargs) == expected


@pytest.mark.parametrize(
    ("busy", "kwargs", "expected"),
    [
        pytest.param(
            [b("10:00", "10:30")],
            {"duration": 30, "step": 30},
            at("09:00", "09:30", "10:30", "11:00", "11:30"),
            id="no-buffers",
        ),
        pytest.param(
            [b("10:00", "10:30")],
            {"duration": 30, "step": 30, "before": 15, "after": 15},
            at("09:00", "10:45", "11:15"),
            id="both-buffers-restart-the-grid-after-busy",
        ),
        pytest.param(
            [b("10:00", "10:30")],
            {"duration": 30, "step": 30, "before": 30},
            at("09:00", "10:30", "11:00", "11:30"),
            id="buffer-before-only",
        ),
        pytest.param(
            [b("10:00", "10:30")],
            {"duration": 30, "step": 30, "after": 10},
            at("09:00", "09:30", "10:40", "11:10"),
            id="buffer-after-only",
        ),
        pytest.param(
            [("2027-06-01T07:00", "2027-06-01T08:50")],
            {"after": 10},
            at("09:00", "10:00", "11:00"),
            id="buffer-ends-at-working-start",
        ),
        pytest.param(
            [("2027-06-01T07:00", "2027-06-01T08:55")],
            {"after": 10, "step": 15},
            at("09:05", "09:20", "09:35", "09:50", "10:05", "10:20", "10:35", "10:50"),
            id="buffer-reaches-into-working-time",
        ),
        pytest.param(
            [b("12:05", "13:00")],
            {"before": 10},
            at("09:00", "10:00"),
            id="buffer-before-next-day-appointment-cuts-the-end",
        ),
    ],
)
def test_it_keeps_buffers_around_busy_time(
    busy: list[tuple[str, str]], kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert find_slots(MORNING, busy, **kwargs) == expected


QUARTERS = ("09:00", "09:30", "11:00", "11:30")


@pytest.mark.parametrize(
    ("busy", "expected"),
    [
        pytest.param([b("10:00", "10:40"), b("10:20", "11:00")], at(*QUARTERS), id="overlap"),
        pytest.param([b("10:00", "10:30"), b("10:30", "11:00")], at(*QUARTERS), id="touch"),
        pytest.param([b("10:00", "11:00"), b("10:15", "10:45")], at(*QUARTERS), id="inside"),
        pytest.param(
            [b("11:00", "11:30"), b("09:00", "09:30"), b("10:00", "10:15")],
            at("09:30", "10:15", "11:30"),
            id="unsorted",
        ),
        pytest.param(
            [b("10:00", "10:30")] * 3,
            at("09:00", "09:30", "10:30", "11:00", "11:30"),
            id="duplicates",
        ),
        pytest.param(
            [b("08:00", "09:30")],
            at("09:30", "10:00", "10:30", "11:00", "11:30"),
            id="straddles-start",
        ),
        pytest.param(
            [b("13:00", "14:00")],
            at("09:00", "09:30", "10:00", "10:30", "11:00", "11:30"),
            id="outside-working",
        ),
        pytest.param([b("08:00", "13:00")], [], id="covers-everything"),
    ],
)
def test_it_accepts_busy_times_that_overlap_or_come_unsorted(
    busy: list[tuple[str, str]], expected: list[str]
) -> None:
    assert find_slots(MORNING, busy, duration=30, step=30) == expected


@pytest.mark.parametrize(
    ("now", "notice", "expected"),
    [
        pytest.param("08:00", 60, "09:00 09:30 10:00 10:30 11:00 11:30", id="ends-at-first"),
        pytest.param("08:00", 90, "09:30 10:00 10:30 11:00 11:30", id="exact-candidate-kept"),
        pytest.param("08:00", 100, "10:00 10:30 11:00 11:30", id="between-candidates"),
        pytest.param("09:10", 0, "09:30 10:00 10:30 11:00 11:30", id="now-inside-interval"),
        pytest.param("11:31", 0, "", id="now-after-last-candidate"),
    ],
)
def test_it_drops_slots_inside_minimum_notice(now: str, notice: int, expected: str) -> None:
    slots = find_slots(MORNING, duration=30, step=30, now=f"2027-06-01T{now}", notice=notice)
    assert slots == at(*expected.split())


def test_it_counts_a_day_of_notice_from_the_day_before() -> None:
    slots = find_slots(MORNING, duration=30, step=30, now="2027-05-31T11:30", notice=24 * 60)
    assert slots == at("11:30")


def test_it_keeps_the_grid_of_the_free_interval_after_the_notice_limit() -> None:
    slots = find_slots(MORNING, [b("09:00", "09:10")], step=15, now="2027-06-01T09:20")
    assert slots == at("09:25", "09:40", "09:55", "10:10", "10:25", "10:40", "10:55")


@pytest.mark.parametrize(
    ("not_after", "expected"),
    [
        pytest.param("2027-06-01T10:00", at("09:00", "10:00"), id="inclusive"),
        pytest.param("2027-06-01T10:59", at("09:00", "10:00"), id="between"),
        pytest.param("2027-06-01T08:00", [], id="before-everything"),
    ],
)
def test_it_drops_slots_after_the_booking_horizon(not_after: str, expected: list[str]) -> None:
    assert find_slots(MORNING, not_after=not_after) == expected


@pytest.mark.parametrize(
    ("working", "expected"),
    [
        pytest.param(
            [("2027-06-01T09:00", "2027-06-01T11:00"), ("2027-06-01T10:00", "2027-06-01T12:00")],
            at("09:00", "10:00", "11:00"),
            id="overlapping",
        ),
        pytest.param(
            [("2027-06-01T10:30", "2027-06-01T12:00"), ("2027-06-01T09:00", "2027-06-01T10:30")],
            at("09:00", "10:00", "11:00"),
            id="touching-and-unsorted",
        ),
        pytest.param(
            [("2027-06-01T09:00", "2027-06-01T10:30"), ("2027-06-01T10:45", "2027-06-01T12:00")],
            at("09:00", "10:45"),
            id="apart",
        ),
    ],
)
def test_it_joins_working_ranges_that_overlap_or_touch(
    working: list[tuple[str, str]], expected: list[str]
) -> None:
    assert find_slots(working) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"duration": 0}, id="zero-duration"),
        pytest.param({"step": 0}, id="zero-step"),
        pytest.param({"before": -5}, id="negative-buffer"),
        pytest.param({"notice": -1}, id="negative-notice"),
    ],
)
def test_it_rejects_meaningless_lengths(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"positive|negative"):
        find_slots(MORNING, **kwargs)


def test_it_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        free_slots(
            working=[span(*MORNING[0])],
            busy=[],
            duration=timedelta(minutes=60),
            step=timedelta(minutes=60),
            buffer_before=timedelta(0),
            buffer_after=timedelta(0),
            now=datetime(2027, 6, 1),  # noqa: DTZ001
            min_notice=timedelta(0),
        )


# --- intervals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(utc("2027-06-01T10:00"), utc("2027-06-01T10:00"), id="empty"),
        pytest.param(utc("2027-06-01T10:00"), utc("2027-06-01T09:00"), id="backwards"),
        pytest.param(datetime(2027, 6, 1, 9), utc("2027-06-01T10:00"), id="naive"),  # noqa: DTZ001
    ],
)
def test_it_rejects_empty_backwards_or_naive_intervals(start: datetime, end: datetime) -> None:
    with pytest.raises(ValueError, match="Interval"):
        Interval(start, end)


def test_it_stores_intervals_in_utc_so_arithmetic_is_elapsed_time() -> None:
    # 01:00 EST to 04:00 EDT on the spring-forward day lasts two hours, not three.
    iv = Interval(
        datetime(2027, 3, 14, 1, tzinfo=NY),
        datetime(2027, 3, 14, 4, tzinfo=NY),
    )
    assert (iv.start, iv.end) == (utc("2027-03-14T06:00"), utc("2027-03-14T08:00"))
    assert iv.start.tzinfo is UTC


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param([], [], id="nothing"),
        pytest.param(
            [("2027-06-01T11:00", "2027-06-01T12:00"), ("2027-06-01T09:00", "2027-06-01T10:00")],
            [("2027-06-01T09:00", "2027-06-01T10:00"), ("2027-06-01T11:00", "2027-06-01T12:00")],
            id="sorts",
        ),
        pytest.param(
            [("2027-06-01T09:00", "2027-06-01T10:00"), ("2027-06-01T10:00", "2027-06-01T11:00")],
            [("2027-06-01T09:00", "2027-06-01T11:00")],
            id="joins-touching",
        ),
        pytest.param(
            [("2027-06-01T09:00", "2027-06-01T12:00"), ("2027-06-01T10:00", "2027-06-01T11:00")],
            [("2027-06-01T09:00", "2027-06-01T12:00")],
            id="swallows-contained",
        ),
    ],
)
def test_it_merges_intervals(given: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert spans(merge_intervals(span(*g) for g in given)) == expected


@pytest.mark.parametrize(
    ("base", "holes", "expected"),
    [
        pytest.param([b("09:00", "12:00")], [], [b("09:00", "12:00")], id="no-holes"),
        pytest.param(
            [b("09:00", "12:00")],
            [b("10:00", "10:30"), b("11:00", "11:15")],
            [b("09:00", "10:00"), b("10:30", "11:00"), b("11:15", "12:00")],
            id="two-holes",
        ),
        pytest.param(
            [b("09:00", "10:00"), b("11:00", "12:00")],
            [b("09:30", "11:30")],
            [b("09:00", "09:30"), b("11:30", "12:00")],
            id="hole-spans-two-bases",
        ),
        pytest.param([b("09:00", "10:00")], [b("08:00", "13:00")], [], id="hole-covers-all"),
        pytest.param(
            [b("09:00", "10:00")],
            [b("10:00", "11:00"), b("08:00", "09:00")],
            [b("09:00", "10:00")],
            id="holes-only-touch",
        ),
    ],
)
def test_it_subtracts_intervals(
    base: list[tuple[str, str]],
    holes: list[tuple[str, str]],
    expected: list[tuple[str, str]],
) -> None:
    result = subtract_intervals([span(*x) for x in base], [span(*x) for x in holes])
    assert spans(result) == expected


# --- wall clock to UTC, with New York's daylight-saving days -------------------------------


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        pytest.param(date(2027, 3, 13), time(9), "2027-03-13T14:00", id="day-before-spring-EST"),
        pytest.param(date(2027, 3, 14), time(1, 59), "2027-03-14T06:59", id="just-before-gap"),
        pytest.param(date(2027, 3, 14), time(2, 30), "2027-03-14T07:30", id="gap-shifts-forward"),
        pytest.param(date(2027, 3, 14), time(2, 0), "2027-03-14T07:00", id="gap-start-is-3-EDT"),
        pytest.param(date(2027, 3, 14), time(3, 0), "2027-03-14T07:00", id="first-time-after-gap"),
        pytest.param(date(2027, 3, 15), time(9), "2027-03-15T13:00", id="day-after-spring-EDT"),
        pytest.param(date(2027, 11, 6), time(9), "2027-11-06T13:00", id="day-before-fall-EDT"),
        pytest.param(date(2027, 11, 7), time(0, 59), "2027-11-07T04:59", id="before-fold"),
        pytest.param(
            date(2027, 11, 7), time(1, 30), "2027-11-07T05:30", id="fold-first-occurrence"
        ),
        pytest.param(
            date(2027, 11, 7), time(1, 30, fold=1), "2027-11-07T05:30", id="fold-flag-ignored"
        ),
        pytest.param(date(2027, 11, 7), time(2, 0), "2027-11-07T07:00", id="after-fold-EST"),
        pytest.param(date(2027, 11, 8), time(9), "2027-11-08T14:00", id="day-after-fall-EST"),
    ],
)
def test_it_reads_wall_clock_times_on_their_own_date(day: date, clock: time, expected: str) -> None:
    assert wall_to_utc(day, clock, NY) == utc(expected)


def ny_hours(
    first: date,
    last: date,
    weekly: Mapping[int, list[tuple[time, time]]],
    **kwargs: Any,
) -> list[tuple[str, str]]:
    return spans(working_intervals(tz=NY, first_day=first, last_day=last, weekly=weekly, **kwargs))


NINE_TO_FIVE = dict.fromkeys(EVERY_DAY, wall(("09:00", "17:00")))


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        pytest.param(
            date(2027, 3, 13),
            date(2027, 3, 15),
            [
                ("2027-03-13T14:00", "2027-03-13T22:00"),
                ("2027-03-14T13:00", "2027-03-14T21:00"),
                ("2027-03-15T13:00", "2027-03-15T21:00"),
            ],
            id="spring-forward-2027-03-14",
        ),
        pytest.param(
            date(2027, 11, 6),
            date(2027, 11, 8),
            [
                ("2027-11-06T13:00", "2027-11-06T21:00"),
                ("2027-11-07T14:00", "2027-11-07T22:00"),
                ("2027-11-08T14:00", "2027-11-08T22:00"),
            ],
            id="fall-back-2027-11-07",
        ),
    ],
)
def test_it_keeps_working_hours_on_the_wall_clock_across_dst(
    first: date, last: date, expected: list[tuple[str, str]]
) -> None:
    assert ny_hours(first, last, NINE_TO_FIVE) == expected


@pytest.mark.parametrize(
    ("day", "ranges", "expected"),
    [
        pytest.param(
            date(2027, 3, 14),
            [("00:00", "04:00")],
            [("2027-03-14T05:00", "2027-03-14T08:00")],
            id="spring-night-lasts-3h",
        ),
        pytest.param(
            date(2027, 3, 14),
            [("02:30", "04:00")],
            [("2027-03-14T07:30", "2027-03-14T08:00")],
            id="start-in-gap",
        ),
        pytest.param(
            date(2027, 3, 14),
            [("01:00", "02:30")],
            [("2027-03-14T06:00", "2027-03-14T07:30")],
            id="end-in-gap",
        ),
        pytest.param(date(2027, 3, 14), [("02:50", "03:10")], [], id="range-shrunk-to-nothing"),
        pytest.param(
            date(2027, 11, 7),
            [("00:00", "04:00")],
            [("2027-11-07T04:00", "2027-11-07T09:00")],
            id="fall-night-lasts-5h",
        ),
        pytest.param(
            date(2027, 11, 7),
            [("01:30", "03:00")],
            [("2027-11-07T05:30", "2027-11-07T08:00")],
            id="start-in-fold",
        ),
        pytest.param(
            date(2027, 11, 7),
            [("00:00", "01:30")],
            [("2027-11-07T04:00", "2027-11-07T05:30")],
            id="end-in-fold",
        ),
        pytest.param(
            date(2027, 11, 7),
            [("01:00", "01:45")],
            [("2027-11-07T05:00", "2027-11-07T05:45")],
            id="whole-range-in-fold",
        ),
    ],
)
def test_it_resolves_gap_and_fold_times_in_working_hours(
    day: date, ranges: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    assert ny_hours(day, day, {day.isoweekday(): wall(*ranges)}) == expected


# 2027-06-07 is a Monday; New York is on EDT (UTC-4) all week.
WEEK = (date(2027, 6, 7), date(2027, 6, 13))
MON_TO_FRI = dict.fromkeys(WEEKDAYS, wall(("09:00", "12:00")))


def june(day: int, start: str, end: str) -> tuple[str, str]:
    """Give a UTC span on 2027-06-<day> from EDT wall-clock hours."""

    def shift(hm: str) -> str:
        return f"{int(hm[:2]) + 4:02d}{hm[2:]}"

    return (f"2027-06-{day:02d}T{shift(start)}", f"2027-06-{day:02d}T{shift(end)}")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param(
            {},
            [june(d, "09:00", "12:00") for d in (7, 8, 9, 10, 11)],
            id="weekly-only",
        ),
        pytest.param(
            {"off_days": {date(2027, 6, 9)}},
            [june(d, "09:00", "12:00") for d in (7, 8, 10, 11)],
            id="off-day",
        ),
        pytest.param(
            {"overrides": {date(2027, 6, 9): wall(("10:00", "14:00"))}},
            [june(d, "09:00", "12:00") for d in (7, 8)]
            + [june(9, "10:00", "14:00")]
            + [june(d, "09:00", "12:00") for d in (10, 11)],
            id="override-replaces-weekly",
        ),
        pytest.param(
            {"overrides": {date(2027, 6, 9): []}},
            [june(d, "09:00", "12:00") for d in (7, 8, 10, 11)],
            id="empty-override-means-no-hours",
        ),
        pytest.param(
            {"overrides": {date(2027, 6, 12): wall(("10:00", "11:00"))}},
            [june(d, "09:00", "12:00") for d in (7, 8, 9, 10, 11)] + [june(12, "10:00", "11:00")],
            id="override-on-a-weekend",
        ),
        pytest.param(
            {
                "off_days": [date(2027, 6, 9)],
                "overrides": {date(2027, 6, 9): wall(("10:00", "14:00"))},
            },
            [june(d, "09:00", "12:00") for d in (7, 8, 10, 11)],
            id="off-day-beats-override",
        ),
        pytest.param(
            {"extra": {date(2027, 6, 8): wall(("11:00", "13:00"), ("15:00", "16:00"))}},
            [june(7, "09:00", "12:00"), june(8, "09:00", "13:00"), june(8, "15:00", "16:00")]
            + [june(d, "09:00", "12:00") for d in (9, 10, 11)],
            id="extra-hours-join-weekly",
        ),
        pytest.param(
            {"off_days": [date(2027, 6, 9)], "extra": {date(2027, 6, 9): wall(("16:00", "18:00"))}},
            [june(d, "09:00", "12:00") for d in (7, 8)]
            + [june(9, "16:00", "18:00")]
            + [june(d, "09:00", "12:00") for d in (10, 11)],
            id="extra-hours-on-an-off-day",
        ),
        pytest.param(
            {"extra": {date(2027, 6, 20): wall(("10:00", "11:00"))}},
            [june(d, "09:00", "12:00") for d in (7, 8, 9, 10, 11)],
            id="extra-hours-outside-range-ignored",
        ),
    ],
)
def test_it_applies_off_days_overrides_and_extra_hours(
    kwargs: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert ny_hours(*WEEK, MON_TO_FRI, **kwargs) == expected


def test_it_merges_overlapping_weekly_ranges() -> None:
    weekly = {1: wall(("09:00", "12:00"), ("11:00", "14:00"), ("14:00", "15:00"))}
    assert ny_hours(date(2027, 6, 7), date(2027, 6, 7), weekly) == [june(7, "09:00", "15:00")]


def test_it_returns_nothing_when_the_range_of_days_is_empty() -> None:
    assert ny_hours(date(2027, 6, 8), date(2027, 6, 7), MON_TO_FRI) == []


def test_it_rejects_a_working_range_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        ny_hours(*WEEK, {1: wall(("12:00", "09:00"))})


# --- whole days around New York's daylight-saving changes ----------------------------------


def ny_day_slots(
    day: date,
    ranges: list[tuple[str, str]],
    busy: list[tuple[datetime, datetime]],
    *,
    first: date | None = None,
) -> list[str]:
    working = working_intervals(
        tz=NY,
        first_day=first or day,
        last_day=day,
        weekly=dict.fromkeys(EVERY_DAY, wall(*ranges)),
    )
    result = free_slots(
        working=working,
        busy=[Interval(s, e) for s, e in busy],
        duration=timedelta(minutes=60),
        step=timedelta(minutes=60),
        buffer_before=timedelta(0),
        buffer_after=timedelta(0),
        now=utc("2027-01-01T00:00"),
        min_notice=timedelta(0),
    )
    return [iso(s) for s in result]


def test_it_offers_the_same_local_hour_on_each_side_of_the_dst_change() -> None:
    slots = ny_day_slots(date(2027, 3, 15), [("09:00", "10:00")], [], first=date(2027, 3, 13))
    assert slots == ["2027-03-13T14:00", "2027-03-14T13:00", "2027-03-15T13:00"]


@pytest.mark.parametrize(
    ("day", "busy", "expected"),
    [
        pytest.param(
            date(2027, 3, 14),
            # 01:00 EST to 04:00 EDT: three hours on the clock, two hours of real time.
            [(datetime(2027, 3, 14, 1, tzinfo=NY), datetime(2027, 3, 14, 4, tzinfo=NY))],
            ["2027-03-14T05:00", "2027-03-14T08:00", "2027-03-14T09:00"],
            id="spring-forward",
        ),
        pytest.param(
            date(2027, 11, 7),
            # 01:30 EDT to 01:30 EST: the clock shows the same time, an hour has passed.
            [
                (
                    datetime(2027, 11, 7, 1, 30, tzinfo=NY),
                    datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=NY),
                )
            ],
            ["2027-11-07T04:00", "2027-11-07T06:30", "2027-11-07T07:30", "2027-11-07T08:30",
             "2027-11-07T09:30"],
            id="fall-back",
        ),
        pytest.param(
            date(2027, 3, 14),
            # Overnight from 23:00 EST the evening before to 03:30 EDT: 3.5 hours of real time.
            [(datetime(2027, 3, 13, 23, tzinfo=NY), datetime(2027, 3, 14, 3, 30, tzinfo=NY))],
            ["2027-03-14T07:30", "2027-03-14T08:30"],
            id="overnight-into-spring-forward",
        ),
    ],
)  # fmt: skip
def test_it_blocks_real_elapsed_time_of_busy_spans_across_the_change_instant(
    day: date, busy: list[tuple[datetime, datetime]], expected: list[str]
) -> None:
    # Working 00:00-06:00 local covers the change: 5 hours in March, 7 hours in November.
    assert ny_day_slots(day, [("00:00", "06:00")], busy) == expected


# --- command line ----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "confide.scheduling.slots", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("step", [15, 60])
def test_it_prints_the_expected_slots_for_the_benchmark_spec(step: int) -> None:
    result = run_cli("bench/data/slots-spec-8w.json", "--step", str(step))
    expected = (DATA / f"slots-spec-8w.expected-step{step}.txt").read_text().splitlines()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == expected


def test_it_applies_minimum_notice_from_the_given_now() -> None:
    result = run_cli(str(SPEC), "--step", "60", "--now", "2027-04-22T12:00:00+00:00")
    expected = (DATA / "slots-spec-8w.expected-step60.txt").read_text().splitlines()
    assert result.returncode == 0, result.stderr
    # A day of notice from noon UTC on the 22nd; the same ISO format sorts as text.
    assert result.stdout.splitlines() == [s for s in expected if s >= "2027-04-23T12:00:00Z"]
    assert result.stdout.splitlines() == ["2027-04-23T12:00:00Z", "2027-04-23T14:00:00Z"]


def _spec_without(field: str) -> str:
    data = json.loads(SPEC.read_text())
    del data[field]
    return json.dumps(data)


def _spec_with(field: str, value: object) -> str:
    data = json.loads(SPEC.read_text())
    data[field] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("content", "extra_args", "message"),
    [
        pytest.param(None, [], "cannot read", id="missing-file"),
        pytest.param("{not json", [], "not valid JSON", id="invalid-json"),
        pytest.param("[1, 2]", [], "JSON object", id="not-an-object"),
        pytest.param(_spec_without("tz"), [], "missing field 'tz'", id="missing-tz"),
        pytest.param(_spec_without("weekly"), [], "missing field 'weekly'", id="missing-weekly"),
        pytest.param(_spec_with("tz", "Mars/Olympus"), [], "unknown time zone", id="bad-tz"),
        pytest.param(_spec_with("first_day", "2027-13-01"), [], "first_day", id="bad-date"),
        pytest.param(_spec_with("weekly", [["9am", "5pm"]]), [], "HH:MM", id="bad-time"),
        pytest.param(_spec_with("duration", 0), [], "duration", id="zero-duration"),
        pytest.param(
            _spec_with("appointments_local", [["2027-03-01T09:00", "2027-03-01T10:00"]]),
            [],
            "no UTC offset",
            id="naive-appointment",
        ),
        pytest.param("{}", ["--now", "yesterday"], "--now", id="bad-now"),
        pytest.param("{}", ["--step", "0"], "--step", id="zero-step-option"),
    ],
)
def test_it_exits_2_with_a_one_line_message_on_bad_input(
    tmp_path: Path, content: str | None, extra_args: list[str], message: str
) -> None:
    path = tmp_path / "spec.json"
    if content is not None:
        path.write_text(content)
    args = ["--step", "15", *extra_args] if "--step" not in extra_args else extra_args
    result = run_cli(str(path), *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("slots: error:")
    assert message in result.stderr
