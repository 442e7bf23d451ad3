"""Business days (weekdays but federal holidays) and Good Faith Estimate deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from confide.billing.business_days import (
    add_business_days,
    business_days_between,
    estimate_due,
    estimate_due_on_request,
    is_business_day,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-12-04", True),  # Friday
        ("2026-12-05", False),  # Saturday
        ("2026-12-06", False),  # Sunday
        ("2026-12-07", True),  # Monday
        ("2026-11-25", True),
        ("2026-11-26", False),  # Thanksgiving
        ("2026-11-27", True),  # the day after is not a federal holiday
        ("2026-12-24", True),
        ("2026-12-25", False),  # Christmas, a Friday
        ("2027-01-01", False),  # New Year's Day, a Friday
        ("2026-07-03", False),  # Independence Day observed on the Friday
        ("2026-07-04", False),  # and itself a Saturday
        ("2026-07-06", True),
        ("2027-07-04", False),  # a Sunday
        ("2027-07-05", False),  # Independence Day observed on the Monday
        ("2027-06-18", False),  # Juneteenth (a Saturday) observed on the Friday
        ("2027-06-21", True),
        ("2027-12-31", False),  # New Year's Day 2028 (a Saturday) observed in 2027
        ("2028-01-03", True),
    ],
)
def test_it_knows_business_days(day: str, expected: bool) -> None:
    assert is_business_day(d(day)) is expected


@pytest.mark.parametrize(
    ("year", "closed"),
    [
        (2026, "01-01 01-19 02-16 05-25 06-19 07-03 09-07 10-12 11-11 11-26 12-25"),
        (2027, "01-01 01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 11-25 12-24 12-31"),
    ],
)
def test_the_only_weekdays_off_are_federal_holidays(year: int, closed: str) -> None:
    start = dt.date(year, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(366)]
    off = [
        day.strftime("%m-%d")
        for day in days
        if day.year == year and day.weekday() < 5 and not is_business_day(day)
    ]
    assert off == closed.split()


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        ("2026-12-07", 1, "2026-12-08"),  # Monday
        ("2026-12-04", 1, "2026-12-07"),  # Friday: over the weekend
        ("2026-12-04", 3, "2026-12-09"),
        ("2026-12-05", 1, "2026-12-07"),  # Saturday
        ("2026-12-05", 3, "2026-12-09"),
        ("2026-12-06", 1, "2026-12-07"),  # Sunday
        ("2026-11-25", 1, "2026-11-27"),  # over Thanksgiving
        ("2026-11-24", 3, "2026-11-30"),
        ("2026-12-24", 1, "2026-12-28"),  # over Christmas and the weekend
        ("2026-12-23", 3, "2026-12-29"),
        ("2026-12-31", 1, "2027-01-04"),  # over New Year's Day and the weekend
        ("2026-07-02", 1, "2026-07-06"),  # Independence Day observed on Friday
        ("2027-07-02", 1, "2027-07-06"),  # and on Monday
        ("2027-06-17", 1, "2027-06-21"),  # Juneteenth observed on Friday
        ("2027-12-30", 1, "2028-01-03"),  # New Year's Day 2028 observed in 2027
        ("2026-12-07", 10, "2026-12-21"),
    ],
)
def test_it_adds_business_days(day: str, n: int, expected: str) -> None:
    assert add_business_days(d(day), n) == d(expected)


@pytest.mark.parametrize("n", [0, -1])
def test_it_refuses_to_add_fewer_than_one_business_day(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_business_days(d("2026-12-07"), n)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-12-07", "2026-12-07", 0),
        ("2026-12-08", "2026-12-07", 0),  # end before start
        ("2026-12-07", "2026-12-08", 1),
        ("2026-12-04", "2026-12-07", 1),  # Friday to Monday
        ("2026-12-05", "2026-12-06", 0),  # a weekend
        ("2026-12-05", "2026-12-07", 1),
        ("2026-11-25", "2026-11-30", 2),  # Thanksgiving skipped, Friday counted
        ("2026-12-24", "2027-01-04", 5),  # Christmas and New Year's Day skipped
        ("2026-12-31", "2027-12-31", 249),  # all of 2027: 261 weekdays, 12 off
    ],
)
def test_it_counts_business_days_between(start: str, end: str, expected: int) -> None:
    assert business_days_between(d(start), d(end)) == expected


@pytest.mark.parametrize(
    ("day", "n"),
    [("2026-11-24", 3), ("2026-12-05", 1), ("2026-12-23", 10), ("2027-06-16", 20)],
)
def test_counting_undoes_adding(day: str, n: int) -> None:
    assert business_days_between(d(day), add_business_days(d(day), n)) == n


@pytest.mark.parametrize(
    ("scheduled", "service", "due"),
    [
        # Monday 2026-12-07: business days ahead 1 (Tue 8) ... 9 (Fri 18), 10 (Mon 21).
        ("2026-12-07", "2026-12-07", None),
        ("2026-12-07", "2026-12-09", None),  # 2 ahead
        ("2026-12-07", "2026-12-10", "2026-12-08"),  # 3 ahead: next business day
        ("2026-12-07", "2026-12-18", "2026-12-08"),  # 9 ahead
        ("2026-12-07", "2026-12-21", "2026-12-10"),  # 10 ahead: three business days
        ("2026-12-07", "2027-06-01", "2026-12-10"),
        # Scheduled on a Friday: the weekend does not count.
        ("2026-12-04", "2026-12-08", None),  # 2 ahead
        ("2026-12-04", "2026-12-09", "2026-12-07"),  # 3 ahead
        ("2026-12-04", "2026-12-17", "2026-12-07"),  # 9 ahead
        ("2026-12-04", "2026-12-18", "2026-12-09"),  # 10 ahead
        # Scheduled on a Saturday.
        ("2026-12-05", "2026-12-08", None),
        ("2026-12-05", "2026-12-09", "2026-12-07"),
        ("2026-12-05", "2026-12-17", "2026-12-07"),
        ("2026-12-05", "2026-12-18", "2026-12-09"),
        # Thanksgiving week: the holiday is not a day ahead.
        ("2026-11-23", "2026-11-26", None),
        ("2026-11-23", "2026-11-27", "2026-11-24"),
        ("2026-11-23", "2026-12-07", "2026-11-24"),  # 9 ahead
        ("2026-11-23", "2026-12-08", "2026-11-27"),  # 10 ahead
        # Christmas and New Year's Day.
        ("2026-12-23", "2027-01-07", "2026-12-24"),  # 9 ahead
        ("2026-12-23", "2027-01-08", "2026-12-29"),  # 10 ahead
        ("2026-12-24", "2027-01-08", "2026-12-28"),  # 9 ahead, due after Christmas
    ],
)
def test_it_sets_the_estimate_deadline(scheduled: str, service: str, due: str | None) -> None:
    assert estimate_due(d(scheduled), d(service)) == (d(due) if due else None)


@pytest.mark.parametrize(
    ("requested", "due"),
    [
        ("2026-12-07", "2026-12-10"),
        ("2026-12-04", "2026-12-09"),  # Friday
        ("2026-12-05", "2026-12-09"),  # Saturday
        ("2026-11-24", "2026-11-30"),  # Thanksgiving
        ("2026-12-23", "2026-12-29"),  # Christmas
        ("2026-12-30", "2027-01-05"),  # New Year's Day
        ("2027-06-16", "2027-06-22"),  # Juneteenth observed
        ("2027-07-01", "2027-07-07"),  # Independence Day observed
    ],
)
def test_an_estimate_asked_for_is_due_three_business_days_later(requested: str, due: str) -> None:
    assert estimate_due_on_request(d(requested)) == d(due)
