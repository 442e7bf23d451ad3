"""The slots page is kept rendered until an open time changes, on any server, and no longer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confide.practice.page_cache import memo
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.open_times import OPEN_TIMES_STAMP_KEY
from confide.scheduling.selectors import available_slots, bookable_window

pytestmark = pytest.mark.django_db

SLOTS = "/book/hannah-brenner/consultation/?format=video&tz=America%2FNew_York"
Capture = Callable[..., Any]


@pytest.fixture
def consultation(demo: None) -> AppointmentType:
    return AppointmentType.objects.get(clinician__slug="hannah-brenner", slug="consultation")


def _first_open(kind: AppointmentType) -> dt.datetime:
    now = timezone.now()
    first, last = bookable_window(appointment_type=kind, now=now)
    return available_slots(appointment_type=kind, now=now, first_day=first, last_day=last)[0]


def _iso(start: dt.datetime) -> str:
    return start.isoformat().replace("+00:00", "Z").replace(":", "%3A")


def _is_kept(client: Client) -> bool:
    with CaptureQueriesContext(connection) as queries:
        client.get(SLOTS)
    return len(queries) == 1


def test_a_booked_time_leaves_the_kept_page_once_the_booking_commits(
    client: Client,
    consultation: AppointmentType,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    start = _first_open(consultation)
    assert _iso(start) in client.get(SLOTS).content.decode()
    assert _is_kept(client)

    with django_capture_on_commit_callbacks(execute=True):
        Appointment(
            clinician=consultation.clinician, appointment_type=consultation, format="video",
            start=start, end=start + consultation.duration,
        ).save()  # fmt: skip

    html = client.get(SLOTS).content.decode()
    assert _iso(start) not in html


@pytest.mark.parametrize("change", ["hours", "type", "cancel"])
def test_every_change_of_what_decides_open_times_renews_the_stamp(
    client: Client,
    consultation: AppointmentType,
    django_capture_on_commit_callbacks: Capture,
    change: str,
) -> None:
    from django.core.cache import cache

    client.get(SLOTS)
    before = cache.get(OPEN_TIMES_STAMP_KEY)
    assert before is not None

    with django_capture_on_commit_callbacks(execute=True):
        if change == "hours":
            rule = AvailabilityRule.objects.filter(clinician=consultation.clinician).first()
            assert rule is not None
            rule.delete()
        elif change == "type":
            consultation.min_notice_minutes += 60
            consultation.save()
        else:
            start = _first_open(consultation)
            appointment = Appointment(
                clinician=consultation.clinician, appointment_type=consultation,
                format="video", start=start, end=start + consultation.duration,
            )  # fmt: skip
            appointment.save()
            appointment.status = Appointment.Status.CANCELLED
            appointment.save()

    assert cache.get(OPEN_TIMES_STAMP_KEY) != before
    assert not _is_kept(client)


def test_a_kept_page_lasts_until_its_first_time_comes_inside_the_notice(
    client: Client, consultation: AppointmentType
) -> None:
    memo._pages.clear()
    before = timezone.now()
    client.get(SLOTS)

    (page,) = memo._pages.values()
    first = _first_open(consultation)
    notice = dt.timedelta(minutes=consultation.min_notice_minutes)
    assert page.until is not None
    assert page.until <= min(first - notice, before + dt.timedelta(minutes=6))
    assert not page.fresh(page.until)


def test_each_format_zone_and_week_is_kept_apart(
    client: Client, consultation: AppointmentType
) -> None:
    eastern = client.get(SLOTS).content.decode()
    pacific = client.get(SLOTS.replace("New_York", "Los_Angeles")).content.decode()
    later = client.get(SLOTS + "&week=1").content.decode()

    assert pacific != eastern
    assert later != eastern
    assert len({eastern, pacific, later}) == 3


def test_a_visitor_with_a_session_always_gets_a_page_of_their_own(
    client: Client, consultation: AppointmentType
) -> None:
    client.get(SLOTS)
    client.cookies["sessionid"] = "anything"

    with CaptureQueriesContext(connection) as queries:
        assert client.get(SLOTS).status_code == 200
    assert len(queries) > 1
