"""The days and hours a person said contact is safe, honoured like quiet hours by every reminder."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from confide.lib.reminder_times import QuietHours, SafeHours, Skip, send_time

NY = ZoneInfo("America/New_York")
UTC = dt.UTC
NIGHT = QuietHours(dt.time(21), dt.time(8))
WEEKDAYS = frozenset(range(5))
# "Not before 9am, never weekends."
NINE_WEEKDAYS = SafeHours(days=WEEKDAYS, start=dt.time(9))
EVENINGS = SafeHours(start=dt.time(18), end=dt.time(21))


def ny(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NY)


@pytest.mark.parametrize(
    ("safe", "wall", "allowed"),
    [
        (NINE_WEEKDAYS, "2027-03-15 09:00", True),  # a Monday
        (NINE_WEEKDAYS, "2027-03-15 08:59", False),
        (NINE_WEEKDAYS, "2027-03-19 23:30", True),  # Friday night: no latest time given
        (NINE_WEEKDAYS, "2027-03-20 10:00", False),  # Saturday
        (NINE_WEEKDAYS, "2027-03-21 10:00", False),  # Sunday
        (EVENINGS, "2027-03-20 18:00", True),
        (EVENINGS, "2027-03-20 20:59", True),
        (EVENINGS, "2027-03-20 21:00", False),  # the latest time is the end, not inside
        (EVENINGS, "2027-03-20 12:00", False),
        (SafeHours(), "2027-03-20 03:00", True),  # nothing chosen: any time
    ],
)
def test_safe_hours_read_the_recipients_wall_clock(
    safe: SafeHours, wall: str, allowed: bool
) -> None:
    assert safe.allows(ny(wall).replace(tzinfo=None)) is allowed


@pytest.mark.parametrize(
    ("due", "start", "safe", "quiet", "not_before", "expected"),
    [
        # The case: 8:00 on a Saturday waits for Monday 9:00 ...
        # ... unless Monday 9:00 is too close to a Monday 9:15 start, with nothing safe between.
        (
            "2027-03-20 08:00",
            "2027-03-22 09:15",
            NINE_WEEKDAYS,
            NIGHT,
            "2027-03-20 08:00",
            None,
        ),
        ("2027-03-20 08:00", "2027-03-22 15:00", NINE_WEEKDAYS, NIGHT, None, "2027-03-22 09:00"),
        # ... also by email, which has no quiet hours.
        ("2027-03-20 08:00", "2027-03-22 15:00", NINE_WEEKDAYS, None, None, "2027-03-22 09:00"),
        # Inside the safe hours it goes when it is due.
        ("2027-03-17 10:00", "2027-03-19 10:00", NINE_WEEKDAYS, NIGHT, None, "2027-03-17 10:00"),
        # Monday 9:00 is too close to a Monday 9:20 start: the latest safe time before instead,
        # Friday evening (half an hour before the quiet hours begin, for a text) ...
        (
            "2027-03-20 09:30",
            "2027-03-22 09:20",
            NINE_WEEKDAYS,
            NIGHT,
            "2027-03-18 12:00",
            "2027-03-19 20:30",
        ),
        # ... and for an email, Friday's last half hour.
        (
            "2027-03-20 09:30",
            "2027-03-22 09:20",
            NINE_WEEKDAYS,
            None,
            "2027-03-18 12:00",
            "2027-03-19 23:30",
        ),
        # Evenings only: a morning reminder moves to 6 pm the same day.
        ("2027-03-18 07:00", "2027-03-19 09:00", EVENINGS, NIGHT, None, "2027-03-18 18:00"),
        # Evenings only, due at noon before a 2 pm start: last evening, if that is still ahead.
        (
            "2027-03-18 12:00",
            "2027-03-18 14:00",
            EVENINGS,
            NIGHT,
            "2027-03-16 09:00",
            "2027-03-17 20:30",
        ),
        # ... and skipped when last evening is already past.
        ("2027-03-18 12:00", "2027-03-18 14:00", EVENINGS, NIGHT, "2027-03-18 11:00", None),
        # Across the spring change (2027-03-14): 9:00 is 9:00 on the wall clock.
        ("2027-03-13 08:00", "2027-03-15 15:00", NINE_WEEKDAYS, None, None, "2027-03-15 09:00"),
        # Across the autumn change (2027-11-07).
        ("2027-11-06 10:00", "2027-11-08 15:00", NINE_WEEKDAYS, None, None, "2027-11-08 09:00"),
    ],
)
def test_a_reminder_outside_the_safe_hours_moves_to_the_next_safe_time(
    due: str,
    start: str,
    safe: SafeHours,
    quiet: QuietHours | None,
    not_before: str | None,
    expected: str | None,
) -> None:
    plan = send_time(
        due=ny(due),
        start=ny(start),
        quiet=quiet,
        tz=NY,
        safe=safe,
        not_before=ny(not_before) if not_before else None,
    )
    if expected is None:
        assert plan == Skip.SAFE_HOURS
    else:
        assert plan == ny(expected).astimezone(UTC)


def test_without_safe_hours_quiet_hours_decide_as_before() -> None:
    plan = send_time(
        due=ny("2027-03-20 07:00"), start=ny("2027-03-22 15:00"), quiet=NIGHT, tz=NY, safe=None
    )
    assert plan == ny("2027-03-20 08:00").astimezone(UTC)
