"""The calendar's time grid in Chromium: a week and a day at desktop and phone widths.

Sessions are drawn to scale (a 50-minute block is 50/60 of an hour's height), a phone shows a
week one day at a time without sideways scrolling, axe-core finds nothing, and Tab reaches a
session's link.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients import services
from confide.clients.models import Client
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.slots import wall_to_utc
from e2e.conftest import axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def day(live_server: LiveServer) -> dt.date:
    """A day next week with a 50-minute session at 10:00 and time off in the afternoon."""
    demo_load(password=PASSWORD)
    clinician = Clinician.objects.get(slug="hannah-brenner")
    tz = clinician.tz()
    chosen = timezone.now().astimezone(tz).date() + dt.timedelta(days=7)
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Sam Example")],
        display_name="Sam E.", clinician_id=clinician.pk, actor=AnonymousUser(), request=None,
    )  # fmt: skip
    kind = AppointmentType.objects.get(clinician=clinician, slug="individual")
    start = wall_to_utc(chosen, dt.time(10), tz)
    Appointment(
        clinician=clinician, appointment_type=kind, format="video", start=start,
        end=start + kind.duration, client=client,
    ).save()  # fmt: skip
    AvailabilityRule.objects.create(
        clinician=clinician, kind="off", first_day=chosen,
        start_time=dt.time(15), end_time=dt.time(17),
    )  # fmt: skip
    return chosen


# A week hides the end from sight, not from a screen reader, which hears it as a word of its own.
SAM_AT_TEN = re.compile("^10:00 AM ?\N{EN DASH}10:50 AM Sam E\\. Confirmed$")


def _sign_in(page: Page, site: str) -> None:
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")


def _fits_the_screen(page: Page, width: int) -> bool:
    scroll: int = page.evaluate("document.documentElement.scrollWidth")
    return scroll <= width


def _height(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["height"]


def _session(page: Page) -> object:
    return page.get_by_role("link", name=SAM_AT_TEN)


def _tab_reaches_the_session(page: Page) -> bool:
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        focused: str = page.evaluate("document.activeElement.className")
        if "tg__appt" in focused:
            return True
    return False


@pytest.mark.parametrize(("size", "columns"), [(DESKTOP, 7), (PHONE, 1)])
def test_the_week_is_drawn_to_scale_at_desktop_and_phone_widths(
    live_server: LiveServer, day: dt.date, audit_page: Page, size: dict[str, int], columns: int
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(size)  # type: ignore[arg-type]
    _sign_in(page, site)

    page.goto(f"{site}/office/calendar/?date={day.isoformat()}&view=week")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hannah Brenner")
    session = page.get_by_role("link", name=SAM_AT_TEN)
    expect(session).to_be_visible()
    assert page.locator(".tg__day:visible").count() == columns
    expect(page.locator(".tg__day.is-chosen .tg__off-label")).to_be_visible()
    # An hour line spans twelve five-minute rows; the session's block, ten (less its 1px gap).
    ratio = _height(page, ".tg__day.is-chosen .tg__appt") / _height(
        page, ".tg__day.is-chosen .tg__line"
    )
    assert ratio == pytest.approx(50 / 60, abs=0.03)
    assert _fits_the_screen(page, size["width"])
    assert axe_violations(page) == []
    assert _tab_reaches_the_session(page)

    if size == PHONE:
        expect(page.get_by_role("link", name="Next day")).to_be_visible()
        page.get_by_role("link", name="Next day").click()
        following = (day + dt.timedelta(days=1)).isoformat()
        expect(
            page.locator(f'.tg__day.is-chosen[aria-labelledby="tg-{following}"]')
        ).to_be_visible()
        assert _fits_the_screen(page, size["width"])
    else:
        expect(page.get_by_role("link", name="Next day")).to_be_hidden()


@pytest.mark.parametrize("size", [DESKTOP, PHONE])
def test_the_day_and_the_month_read_well_at_both_widths(
    live_server: LiveServer, day: dt.date, audit_page: Page, size: dict[str, int]
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(size)  # type: ignore[arg-type]
    _sign_in(page, site)

    page.goto(f"{site}/office/calendar/?date={day.isoformat()}&view=day")
    session = page.get_by_role("link", name=SAM_AT_TEN)
    expect(session).to_be_visible()
    ratio = _height(page, ".tg__appt") / _height(page, ".tg__line")
    assert ratio == pytest.approx(50 / 60, abs=0.03)
    assert _fits_the_screen(page, size["width"])
    assert axe_violations(page) == []
    assert _tab_reaches_the_session(page)
    session.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam E.")

    page.goto(f"{site}/office/calendar/?date={day.isoformat()}&view=month")
    expect(page.get_by_role("table")).to_be_visible()
    assert _fits_the_screen(page, size["width"])
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"{day.day} {day:%B} 1 session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{day:%B} {day.day}")
