"""When reminders go: offsets in real hours, quiet hours on the recipient's wall clock, back-off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from confide.lib.reminder_times import (
    MAX_ATTEMPTS,
    QuietHours,
    Skip,
    quiet_hours_end,
    reminder_due_times,
    retry_at,
    send_time,
)

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
NIGHT = QuietHours(dt.time(21), dt.time(8))
H = dt.timedelta(hours=1)


def ny(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NY)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("quiet", "wall", "inside"),
    [
        (NIGHT, "20:59", False),
        (NIGHT, "21:00", True),
        (NIGHT, "23:59", True),
        (NIGHT, "00:00", True),
        (NIGHT, "07:59", True),
        (NIGHT, "08:00", False),
        (NIGHT, "12:00", False),
        (QuietHours(dt.time(1), dt.time(6)), "00:30", False),
        (QuietHours(dt.time(1), dt.time(6)), "03:00", True),
        (QuietHours(dt.time(1), dt.time(6)), "06:00", False),
        (QuietHours(dt.time(22), dt.time(22)), "23:00", False),
    ],
)
def test_quiet_hours_contain_their_start_not_their_end(
    quiet: QuietHours, wall: str, inside: bool
) -> None:
    assert quiet.contains(dt.time.fromisoformat(wall)) is inside


@pytest.mark.parametrize(
    ("moment", "tz", "end"),
    [
        # Outside quiet hours: unchanged.
        (ny("2027-03-10 12:00"), NY, ny("2027-03-10 12:00")),
        # Before midnight: ends the next morning.
        (ny("2027-03-10 22:30"), NY, ny("2027-03-11 08:00")),
        # After midnight: ends this morning.
        (ny("2027-03-11 03:00"), NY, ny("2027-03-11 08:00")),
        # Spring forward (2027-03-14, 2:00 EST -> 3:00 EDT): the night is an hour shorter,
        # and 8:00 is EDT, 12:00 UTC.
        (ny("2027-03-13 23:00"), NY, utc("2027-03-14 12:00")),
        # Fall back (2027-11-07, 2:00 EDT -> 1:00 EST): the night is an hour longer; 8:00 EST.
        (ny("2027-11-06 23:00"), NY, utc("2027-11-07 13:00")),
        # The recipient's zone, not the clinician's: 23:30 in New York is 20:30 in Los Angeles.
        (ny("2027-03-10 23:30"), LA, ny("2027-03-10 23:30")),
        (ny("2027-03-11 01:00"), LA, dt.datetime(2027, 3, 11, 8, tzinfo=LA)),
    ],
)
def test_quiet_hours_end_on_the_recipients_wall_clock(
    moment: dt.datetime, tz: ZoneInfo, end: dt.datetime
) -> None:
    assert quiet_hours_end(moment, quiet=NIGHT, tz=tz) == end


@pytest.mark.parametrize(
    ("due", "start", "quiet", "expected"),
    [
        # Email (no quiet hours) goes when due.
        (ny("2027-03-10 22:00"), ny("2027-03-11 00:00"), None, ny("2027-03-10 22:00")),
        # A text due at night waits for 8:00 when the appointment is later that day.
        (ny("2027-03-10 22:00"), ny("2027-03-11 10:00"), NIGHT, ny("2027-03-11 08:00")),
        # Waiting until 8:00 for a 8:15 appointment is not useful: skipped.
        (ny("2027-03-11 06:15"), ny("2027-03-11 08:15"), NIGHT, Skip.QUIET_HOURS),
        # Exactly the least lead (30 minutes) is still sent.
        (ny("2027-03-11 06:30"), ny("2027-03-11 08:30"), NIGHT, ny("2027-03-11 08:00")),
        # Due in the day: unchanged.
        (ny("2027-03-11 10:00"), ny("2027-03-11 12:00"), NIGHT, ny("2027-03-11 10:00")),
        # A late worker: due 20 minutes before the start is too late for any channel.
        (ny("2027-03-11 11:40"), ny("2027-03-11 12:00"), None, Skip.TOO_LATE),
    ],
)
def test_send_time_respects_quiet_hours_while_still_useful(
    due: dt.datetime, start: dt.datetime, quiet: QuietHours | None, expected: object
) -> None:
    assert send_time(due=due, start=start, quiet=quiet, tz=NY) == expected


@pytest.mark.parametrize(
    ("start", "offset", "due_utc", "due_wall"),
    [
        # Spring forward between: 48 real hours before Mon 10:00 EDT (14:00 UTC) is Sat 9:00 EST;
        # the wall clock shows 49 hours.
        (ny("2027-03-15 10:00"), 48 * H, utc("2027-03-13 14:00"), "2027-03-13 09:00 EST"),
        # Fall back between: 48 real hours before Mon 10:00 EST (15:00 UTC) is Sat 11:00 EDT;
        # the wall clock shows 47 hours.
        (ny("2027-11-08 10:00"), 48 * H, utc("2027-11-06 15:00"), "2027-11-06 11:00 EDT"),
        # Two hours before 3:30 on the spring-forward night: 0:30 EST.
        (ny("2027-03-14 03:30"), 2 * H, utc("2027-03-14 05:30"), "2027-03-14 00:30 EST"),
        # Two hours before 1:30 EST on the fall-back night (the second 1:30): the first 0:30.
        (
            dt.datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=NY),
            2 * H,
            utc("2027-11-07 04:30"),
            "2027-11-07 00:30 EDT",
        ),
    ],
)
def test_offsets_are_real_hours_across_daylight_saving_changes(
    start: dt.datetime, offset: dt.timedelta, due_utc: dt.datetime, due_wall: str
) -> None:
    due = reminder_due_times(start=start, offsets=[offset], now=utc("2027-01-01 00:00"))

    assert due == {offset: due_utc}
    # Elapsed time, not wall-clock time: Python subtracts a timedelta from a datetime in a
    # ZoneInfo zone on the wall clock, which is why the code converts to UTC first.
    assert start - due[offset] == offset
    assert due[offset].astimezone(NY).strftime("%Y-%m-%d %H:%M %Z") == due_wall


def test_a_booking_inside_a_window_gets_only_the_later_reminders() -> None:
    start = ny("2027-03-16 10:00")
    now = start - 30 * H

    due = reminder_due_times(start=start, offsets=[48 * H, 2 * H], now=now)

    assert due == {2 * H: start - 2 * H}


def test_a_zero_offset_is_no_reminder() -> None:
    start = ny("2027-03-16 10:00")

    assert reminder_due_times(start=start, offsets=[dt.timedelta()], now=start - 99 * H) == {}


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, dt.timedelta(minutes=1)),
        (2, dt.timedelta(minutes=5)),
        (3, dt.timedelta(minutes=15)),
        (4, dt.timedelta(minutes=30)),
        (MAX_ATTEMPTS, None),
    ],
)
def test_retries_back_off_then_stop(attempts: int, wait: dt.timedelta | None) -> None:
    now = utc("2027-03-10 12:00")

    again = retry_at(attempts=attempts, now=now)

    assert again == (None if wait is None else now + wait)
