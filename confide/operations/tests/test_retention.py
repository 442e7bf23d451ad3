"""Which backups retention keeps: the newest per day for N days and per ISO week for M weeks."""

from __future__ import annotations

import datetime as dt

import pytest

from confide.operations.retention import backups_to_keep


def at(day: str, hour: int = 2) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


# 2027-03-01 is a Monday; ISO weeks run Monday to Sunday.
NIGHTLY = [at(f"2027-03-{d:02d}") for d in range(1, 22)]


@pytest.mark.parametrize(
    ("stamps", "daily", "weekly", "kept"),
    [
        ([], 7, 5, set()),
        ([at("2027-03-01")], 0, 0, {at("2027-03-01")}),
        # Two on one day: only the newer counts for that day.
        ([at("2027-03-01", 1), at("2027-03-01", 3)], 7, 0, {at("2027-03-01", 3)}),
        # Daily only: the last three nights.
        (NIGHTLY, 3, 0, {at("2027-03-19"), at("2027-03-20"), at("2027-03-21")}),
        # Weekly only: each week's newest (the Sundays), the newest backup always kept.
        (NIGHTLY, 0, 2, {at("2027-03-21"), at("2027-03-14")}),
        (NIGHTLY, 0, 5, {at("2027-03-21"), at("2027-03-14"), at("2027-03-07")}),
        # Both: days and weeks overlap rather than add up.
        (NIGHTLY, 2, 3, {at("2027-03-20"), at("2027-03-21"), at("2027-03-14"), at("2027-03-07")}),
        # A gap of missed nights: the N most recent days that have a backup.
        ([at("2027-03-01"), at("2027-03-10"), at("2027-03-11")], 2, 0,
         {at("2027-03-10"), at("2027-03-11")}),
        # The New York spring-forward night is one UTC day like any other.
        ([at("2027-03-14", 6), at("2027-03-14", 7), at("2027-03-15", 6)], 7, 0,
         {at("2027-03-14", 7), at("2027-03-15", 6)}),
        # A year's turn: 2027-01-01 is in ISO week 53 of 2026.
        ([at("2026-12-28"), at("2027-01-01"), at("2027-01-04")], 0, 2,
         {at("2027-01-01"), at("2027-01-04")}),
    ],
)  # fmt: skip
def test_it_keeps_the_newest_per_day_and_per_week(
    stamps: list[dt.datetime], daily: int, weekly: int, kept: set[dt.datetime]
) -> None:
    assert backups_to_keep(stamps, daily=daily, weekly=weekly) == kept
