"""The calendar as a time grid: the pure layout, the day, week and month pages, and the list."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from confide.clients.models import Client
from confide.office import time_grid
from confide.office.tests.factories import book, client_of, demo_clinician, therapist_user, utc
from confide.scheduling.models import Appointment, AvailabilityRule

SignIn = Callable[..., HttpClient]
HOURS = (8, 18)

# -- The pure layout ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], (8, 18)),
        ([(9 * 60, 17 * 60)], (8, 18)),
        # Widened to whole hours around an early start and a late end.
        ([(7 * 60 + 30, 10 * 60)], (7, 18)),
        ([(17 * 60, 20 * 60 + 10)], (8, 21)),
        # A session that runs to midnight ends the grid at 24:00, never after.
        ([(23 * 60, 24 * 60)], (8, 24)),
        ([(0, 50)], (0, 18)),
    ],
)
def test_the_grid_holds_every_span(spans: list[time_grid.Span], expected: tuple[int, int]) -> None:
    assert time_grid.grid_hours(spans) == expected


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        # 9:00 to 17:00 on a grid from 8:00: a row is five minutes.
        ([(540, 1020)], [(13, 96)]),
        # Two ranges with lunch between stay two bands; touching ones merge.
        ([(540, 720), (780, 1020)], [(13, 36), (61, 48)]),
        ([(540, 720), (720, 780)], [(13, 48)]),
        # Clipped to the grid; a span outside it is left out.
        ([(420, 600)], [(1, 24)]),
        ([(1100, 1200)], []),
        # A whole day off covers the whole grid.
        ([(0, 1440)], [(1, 120)]),
    ],
)
def test_bands_are_merged_and_placed_in_rows(
    spans: list[time_grid.Span], expected: list[tuple[int, int]]
) -> None:
    assert [(b.row, b.rows) for b in time_grid.bands(spans, HOURS)] == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # One 50-minute session at 10:00: ten rows from row 25.
        ([("a", 600, 650)], [("a", 25, 10, 1, 1)]),
        # Back to back sessions do not overlap: each has the full width.
        ([("a", 600, 650), ("b", 650, 700)], [("a", 25, 10, 1, 1), ("b", 35, 10, 1, 1)]),
        # Two at once sit side by side.
        ([("a", 600, 650), ("b", 600, 680)], [("a", 25, 10, 1, 2), ("b", 25, 16, 2, 2)]),
        # A chain: c overlaps b only, and takes a's column once a has ended; all three share the
        # group's two columns. d, later, stands alone.
        (
            [("a", 600, 650), ("b", 630, 680), ("c", 660, 700), ("d", 720, 770)],
            [("a", 25, 10, 1, 2), ("b", 31, 10, 2, 2), ("c", 37, 8, 1, 2), ("d", 49, 10, 1, 1)],
        ),
        # Three at once: three columns.
        (
            [("a", 600, 650), ("b", 610, 660), ("c", 620, 670)],
            [("a", 25, 10, 1, 3), ("b", 27, 10, 2, 3), ("c", 29, 10, 3, 3)],
        ),
        # Times off the five-minute rows are widened to them: 10:07-10:22 covers 10:05-10:25.
        ([("a", 607, 622)], [("a", 26, 4, 1, 1)]),
        # A session shorter than a row still gets a row.
        ([("a", 600, 602)], [("a", 25, 1, 1, 1)]),
        # Clipped at the grid's edges; a session outside the grid is left out.
        ([("a", 450, 510)], [("a", 1, 6, 1, 1)]),
        ([("a", 1100, 1150)], []),
        # The fall-back night's two 1:30s, as the wall clock reads them, sit side by side (on a
        # grid widened to start at 1:00).
        ([("a", 90, 140), ("b", 90, 140)], [("a", 7, 10, 1, 2), ("b", 7, 10, 2, 2)]),
    ],
)
def test_sessions_are_placed_with_overlaps_side_by_side(
    items: list[tuple[str, int, int]], expected: list[tuple[str, int, int, int, int]]
) -> None:
    night = [(start, end) for _, start, end in items if start < 300]
    placed = time_grid.blocks(items, time_grid.grid_hours(night) if night else HOURS)
    assert [(b.item, b.row, b.rows, b.column, b.columns) for b in placed] == expected


def test_more_sessions_at_once_than_columns_share_the_last_one() -> None:
    items = [(str(i), 600, 650) for i in range(8)]
    placed = time_grid.blocks(items, HOURS)
    assert {b.columns for b in placed} == {time_grid.MAX_COLUMNS}
    assert max(b.column for b in placed) == time_grid.MAX_COLUMNS


def test_the_grid_stylesheet_is_in_step_with_the_layout() -> None:
    path = Path(settings.BASE_DIR) / "static" / "confide" / "css" / "time-grid.css"
    assert path.read_text() == time_grid.grid_css(), (
        "Write it again: python -c 'from confide.office.time_grid import grid_css; "
        'print(grid_css(), end="")\' > static/confide/css/time-grid.css'
    )


# -- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


@pytest.fixture
def hours(demo: None) -> None:
    """Weekdays 9:00-17:00; Wednesday March 17, 2027 off from 13:00; Friday March 19 off."""
    clinician = demo_clinician()
    AvailabilityRule.objects.filter(clinician=clinician).delete()
    for weekday in range(1, 6):
        AvailabilityRule.objects.create(
            clinician=clinician, kind="weekly", weekday=weekday,
            start_time=dt.time(9), end_time=dt.time(17),
        )  # fmt: skip
    AvailabilityRule.objects.create(
        clinician=clinician, kind="off", first_day=dt.date(2027, 3, 17),
        start_time=dt.time(13), end_time=dt.time(17),
    )  # fmt: skip
    AvailabilityRule.objects.create(clinician=clinician, kind="off", first_day=dt.date(2027, 3, 19))


def _section(html: str, day: str) -> str:
    """Return the grid column of one day (``2027-03-16``)."""
    match = re.search(rf'<section class="tg__day[^"]*" aria-labelledby="tg-{day}">(.*?)</section>',
                      html, re.S)  # fmt: skip
    assert match, day
    return match.group(1)


def test_the_week_is_a_grid_with_sessions_drawn_to_scale(
    signed_in: SignIn, therapist: User, sam: Client, hours: None
) -> None:
    book(sam, utc("2027-03-16 14:00"))  # Tuesday 10:00-10:50 EDT

    html = signed_in(therapist).get("/office/calendar/?date=2027-03-16&view=week").content.decode()

    assert 'Week of March 15, 2027 <span class="cal-who">· Hannah Brenner</span>' in html
    tuesday = _section(html, "2027-03-16")
    # The grid runs from 8:00: 10:00 is row 25, and 50 minutes are ten rows of five.
    block = re.search(r'<a class="tg__appt appt--confirmed g-at-25 g-len-10 g-c1-1" href="([^"]+)">'
                      r'(.*?)</a>', tuesday, re.S)  # fmt: skip
    assert block, tuesday
    assert block.group(1) == f"/office/appointments/{Appointment.objects.get().pk}/"
    # Its text, and so its name, says when, who (as the list names them) and its state. The week
    # hides the end from sight only, so a screen reader still hears it.
    assert re.sub(r"<[^>]+>", "", block.group(2)) == "10:00 AM\N{EN DASH}10:50 AM Sam R. Confirmed"
    assert "aria-label" not in block.group(0)
    # Working hours 9:00-17:00 are one band from row 13, 96 rows long.
    assert '<span class="tg__work g-at-13 g-len-96" aria-hidden="true">' in tuesday
    assert "9:00 AM\N{EN DASH}5:00 PM" in html


def test_time_off_is_drawn_and_named(signed_in: SignIn, therapist: User, hours: None) -> None:
    html = signed_in(therapist).get("/office/calendar/?date=2027-03-17&view=week").content.decode()

    wednesday = _section(html, "2027-03-17")
    assert (
        '<span class="tg__off g-at-61 g-len-48"><span class="tg__off-label">Time off' in wednesday
    )
    friday = _section(html, "2027-03-19")
    assert '<span class="tg__off g-at-1 g-len-120">' in friday
    assert "tg__work" not in friday
    assert "9:00 AM\N{EN DASH}5:00 PM; time off 1:00 PM\N{EN DASH}5:00 PM" in html
    assert ">Time off</p>" in html  # Friday's hours line


def test_on_a_phone_the_week_shows_the_chosen_day_with_links_to_the_days_around(
    signed_in: SignIn, therapist: User, hours: None
) -> None:
    html = signed_in(therapist).get("/office/calendar/?date=2027-03-17&view=week").content.decode()

    assert html.count("is-chosen") == 2  # its heading and its column
    assert '<div class="tg__dayhead is-chosen">\n      <h2 id="tg-2027-03-17">' in html
    assert '<section class="tg__day is-chosen" aria-labelledby="tg-2027-03-17">' in html
    daystep = re.search(r'<ul class="cal-daystep">(.*?)</ul>', html, re.S)
    assert daystep
    assert "?date=2027-03-16&amp;view=week" in daystep.group(1)
    assert "?date=2027-03-18&amp;view=week" in daystep.group(1)
    assert "office-calendar.css" in html


def test_the_day_view_is_one_column_of_the_grid(
    signed_in: SignIn, therapist: User, sam: Client, hours: None
) -> None:
    book(sam, utc("2027-03-16 14:00"))
    book(sam, utc("2027-03-16 23:00"))  # 19:00 EDT, after the default end of the grid

    html = signed_in(therapist).get("/office/calendar/?date=2027-03-16&view=day").content.decode()

    assert "Tuesday, March 16, 2027" in html
    assert html.count('<section class="tg__day') == 1
    assert "cal-daystep" not in html
    # The grid widens to 20:00 to hold the evening session: 19:00 is row 133.
    assert "g-at-133 g-len-10" in html
    assert ">7 PM</span>" in html


def test_the_show_selector_says_what_is_shown(signed_in: SignIn, owner: User, demo: None) -> None:
    html = signed_in(owner).get("/office/calendar/?date=2027-03-16&view=month").content.decode()

    assert '<li id="cal-show-label" class="cal-show__label">Show:</li>' in html
    for label in ["Day", "Week", "Month", "List"]:
        assert f">{label}</a>" in html
    assert '?date=2027-03-16&amp;view=month" aria-current="page">Month</a>' in html
    assert '<option value="month" selected>Month (sessions per day)</option>' in html
    assert 'March 2027 <span class="cal-who">· ' in html


def test_the_month_counts_sessions_by_day_and_links_to_each_day(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(sam, utc("2027-03-16 14:00"))
    book(sam, utc("2027-03-16 16:00"))
    book(sam, utc("2027-03-17 03:30"))  # 23:30 EDT on March 16: still that day
    book(sam, utc("2027-03-18 14:00"), status=Appointment.Status.CANCELLED)  # not shown

    html = signed_in(therapist).get("/office/calendar/?date=2027-03-02&view=month").content.decode()

    assert "<caption>Sessions each day in March 2027." in html
    day = re.search(r'<a href="([^"]+)"><span class="month__date">16<span class="visually-hidden">'
                    r' March</span></span> <span class="month__count">(\d+)', html)  # fmt: skip
    assert day
    assert day.group(1) == "/office/calendar/?date=2027-03-16&amp;view=day"
    assert day.group(2) == "3"
    assert html.count('class="month__count"') == 1  # other days show 0, in the quiet style
    # A month of weeks from Monday, March 1 to Sunday, April 4.
    assert html.count("<tr>") == 1 + 5
    assert '?date=2027-02-01&amp;view=month">Previous month' in html
    assert '?date=2027-04-01&amp;view=month">Next month' in html


def test_the_list_view_keeps_the_week_as_plain_lines(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(sam, utc("2027-03-16 14:00"))
    html = signed_in(therapist).get("/office/calendar/?date=2027-03-16&view=list").content.decode()
    assert html.count('class="appt appt--') == 1
    assert "tg__day" not in html
    assert ">Tuesday, March 16" in html


def test_all_clinicians_draw_no_hours_and_name_the_clinician(
    signed_in: SignIn, owner: User, colleague: User, sam: Client, hours: None
) -> None:
    book(sam, utc("2027-03-16 14:00"))
    html = signed_in(owner).get("/office/calendar/?date=2027-03-16&view=week").content.decode()
    assert "· All clinicians" in html
    assert "tg__work" not in html
    assert '<span class="tg__clinician">Hannah Brenner</span>' in html


@pytest.mark.parametrize("view", ["week", "day", "month"])
def test_the_page_costs_the_same_queries_for_2_or_20_sessions(
    signed_in: SignIn,
    therapist: User,
    sam: Client,
    hours: None,
    view: str,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    office = signed_in(therapist)
    url = f"/office/calendar/?date=2027-03-16&view={view}"
    first = utc("2027-03-16 13:00")
    for hour in range(2):
        book(sam, first + dt.timedelta(hours=hour))
    with CaptureQueriesContext(connection) as few:
        assert office.get(url).status_code == 200
    for hour in range(2, 20):
        book(sam, first + dt.timedelta(hours=hour % 10, days=hour // 10))
    with django_assert_num_queries(len(few)):
        assert office.get(url).status_code == 200
