"""The slots page's links: each time in the visitor's zone, as Django's "g:i A" would show it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat

from confide.scheduling.views import _time_links

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "zone", "label"),
    [
        (dt.datetime(2027, 3, 1, 14, 0, tzinfo=UTC), NEW_YORK, "9:00 AM"),
        (dt.datetime(2027, 3, 1, 17, 0, tzinfo=UTC), NEW_YORK, "12:00 PM"),
        (dt.datetime(2027, 3, 1, 5, 5, tzinfo=UTC), NEW_YORK, "12:05 AM"),
        (dt.datetime(2027, 3, 1, 23, 45, tzinfo=UTC), NEW_YORK, "6:45 PM"),
        # The spring-forward day: 2 AM does not exist; 7:30 UTC is 3:30 AM daylight time.
        (dt.datetime(2027, 3, 14, 6, 30, tzinfo=UTC), NEW_YORK, "1:30 AM"),
        (dt.datetime(2027, 3, 14, 7, 30, tzinfo=UTC), NEW_YORK, "3:30 AM"),
        # The fall-back day: 1:30 AM happens twice.
        (dt.datetime(2027, 11, 7, 5, 30, tzinfo=UTC), NEW_YORK, "1:30 AM"),
        (dt.datetime(2027, 11, 7, 6, 30, tzinfo=UTC), NEW_YORK, "1:30 AM"),
        (dt.datetime(2027, 11, 7, 15, 0, tzinfo=UTC), ZoneInfo("Asia/Kolkata"), "8:30 PM"),
    ],
)
def test_each_time_reads_as_the_template_filter_would_show_it(
    start: dt.datetime, zone: ZoneInfo, label: str
) -> None:
    html = _time_links([start], zone=zone, details_url="/d/", rest="&format=video")
    assert f">{label}</a></li>" in html
    assert label == dateformat.time_format(start.astimezone(zone), "g:i A")


def test_each_link_names_its_start_in_utc_and_escapes_the_ampersands() -> None:
    starts = [
        dt.datetime(2027, 3, 1, 14, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 1, 14, 15, tzinfo=UTC),
    ]
    html = _time_links(
        starts, zone=NEW_YORK, details_url="/book/a/b/details/", rest="&format=video&tz=A%2FB"
    )
    assert html == (
        '<li><a class="time" href="/book/a/b/details/?start=2027-03-01T14%3A00%3A00Z'
        '&amp;format=video&amp;tz=A%2FB">9:00 AM</a></li>'
        '<li><a class="time" href="/book/a/b/details/?start=2027-03-01T14%3A15%3A00Z'
        '&amp;format=video&amp;tz=A%2FB">9:15 AM</a></li>'
    )
