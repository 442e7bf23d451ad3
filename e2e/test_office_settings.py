"""The office's settings pages in Chromium: on a phone and a desktop, axe-core clean, no sideways
scrolling; and saved without JavaScript, time off over a booked session included.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients import services
from confide.clients.models import Client
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician, Practice
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from e2e.conftest import axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def hannah(live_server: LiveServer) -> Clinician:
    demo_load(password=PASSWORD)
    return Clinician.objects.get(slug="hannah-brenner")


def _book_in_ten_days(clinician: Clinician) -> Appointment:
    """A session ten days from now at 10:00 in the clinician's zone."""
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Sam Example")],
        display_name="Sam E.", clinician_id=clinician.pk, actor=AnonymousUser(), request=None,
    )  # fmt: skip
    kind = AppointmentType.objects.get(clinician=clinician, slug="individual")
    day = timezone.now().astimezone(clinician.tz()).date() + dt.timedelta(days=10)
    start = dt.datetime.combine(day, dt.time(10), clinician.tz())
    appointment = Appointment(
        clinician=clinician, appointment_type=kind, format="video", start=start,
        end=start + kind.duration, client=client,
    )  # fmt: skip
    appointment.save()
    return appointment


def _sign_in(page: Page, site: str) -> None:
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")


def _scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def _settings_pages(clinician: Clinician) -> list[str]:
    kind = AppointmentType.objects.filter(clinician=clinician).order_by("pk")[0]
    base = f"/office/settings/clinicians/{clinician.pk}"
    return [
        "/office/settings/",
        "/office/settings/practice/",
        "/office/settings/booking-rules/",
        "/office/settings/clinicians/",
        "/office/settings/clinicians/new/",
        f"{base}/",
        f"{base}/types/",
        f"{base}/types/new/",
        f"/office/settings/types/{kind.pk}/",
        f"{base}/hours/",
        f"{base}/time-off/",
    ]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_settings_page_fits_the_screen_and_passes_axe(
    live_server: LiveServer, hannah: Clinician, audit_page: Page, size: dict[str, int]
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(size)  # type: ignore[arg-type]
    _sign_in(page, site)
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()

    for address in _settings_pages(hannah):
        page.goto(site + address)
        assert _scroll_width(page) <= size["width"], address
        assert axe_violations(page) == [], address

    # The confirm step of time off over a booked session, and a page with errors.
    _book_in_ten_days(hannah)
    day = timezone.now().astimezone(hannah.tz()).date() + dt.timedelta(days=10)
    page.goto(f"{site}/office/settings/clinicians/{hannah.pk}/time-off/")
    page.get_by_label("First day off").fill(day.isoformat())
    page.get_by_role("button", name="Add time off").click()
    expect(
        page.get_by_role("heading", name="This time off covers 1 booked session")
    ).to_be_visible()
    assert _scroll_width(page) <= size["width"]
    assert axe_violations(page) == []

    page.goto(f"{site}/office/settings/practice/")
    page.get_by_label("Phone").fill("call me")
    page.get_by_role("button", name="Save the practice profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a phone number")
    assert _scroll_width(page) <= size["width"]
    assert axe_violations(page) == []


def test_settings_are_saved_without_javascript(
    live_server: LiveServer, hannah: Clinician, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    site = live_server.url
    _sign_in(page, site)

    page.goto(f"{site}/office/settings/booking-rules/")
    page.get_by_label("Cancellation window (hours)").fill("48")
    page.get_by_role("button", name="Save the booking rules").click()
    expect(page.get_by_text("Booking rules saved.")).to_be_visible()
    assert Practice.objects.get().cancellation_window_hours == 48

    session = _book_in_ten_days(hannah)
    day = session.start.astimezone(hannah.tz()).date()
    page.goto(f"{site}/office/settings/clinicians/{hannah.pk}/hours/")
    page.get_by_role("link", name="Add time off").click()
    page.get_by_label("First day off").fill(day.isoformat())
    page.get_by_label("Private note").fill("Conference")
    page.get_by_role("button", name="Add time off").click()
    expect(page.get_by_text("Sam E.")).to_be_visible()
    expect(page.get_by_text("10:00 AM")).to_be_visible()
    assert not AvailabilityRule.objects.filter(clinician=hannah, kind="off").exists()

    page.get_by_role("button", name="Add the time off anyway").click()
    expect(page.get_by_text("The session it covers is still booked")).to_be_visible()
    rule = AvailabilityRule.objects.get(clinician=hannah, kind="off")
    assert (rule.first_day, rule.note) == (day, "Conference")
    assert _scroll_width(page) <= PHONE["width"]
    context.close()
