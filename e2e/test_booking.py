"""Booking a free consultation in a real Chromium, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients.models import ConsultationRequest
from confide.demo.loading import demo_load
from confide.scheduling.models import Appointment
from e2e.conftest import AXE, Visit, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password="demo-password-for-tests")
    return live_server.url


@pytest.fixture
def audited(browser: Browser) -> Iterator[Page]:
    """A JavaScript page whose CSP is bypassed so axe-core can audit each step."""
    context = browser.new_context(bypass_csp=True, timezone_id="America/New_York")
    page = context.new_page()
    yield page
    context.close()


def _audit(page: Page) -> None:
    assert AXE.exists()
    assert axe_violations(page) == [], page.url


def _fill_details(page: Page) -> None:
    page.get_by_label("What should we call you?").fill("Robin")
    page.get_by_label("Email", exact=True).fill("robin@example.org")
    # The journeys below book by phone, which needs a number to call.
    page.get_by_label("Phone").fill("(212) 555-0123")
    page.get_by_label("Email me").check()
    page.get_by_label("Anything you'd like me to know? (optional)").fill("Evenings are easier.")


def test_booking_works_without_javascript(site: str, visit_without_js: Visit) -> None:
    page = visit_without_js.page
    page.goto(site + "/")
    page.get_by_role("link", name="Book a free consultation").first.click()
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="See open times").click()
    expect(page.locator(".zone-form")).to_contain_text("Eastern Time (New York)")
    page.locator("a.time").first.click()
    _fill_details(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check and confirm")).to_be_visible()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.locator("#help-now")).to_contain_text("988")
    appointment = Appointment.objects.get()
    assert appointment.format == "phone"
    assert ConsultationRequest.objects.get().name == "Robin"
    assert visit_without_js.foreign_requests(site) == []


def test_a_visitor_without_javascript_can_choose_their_zone(
    site: str, visit_without_js: Visit
) -> None:
    page = visit_without_js.page
    page.goto(site + "/book/hannah-brenner/consultation/?format=video")
    page.select_option("#tz", "America/Chicago")
    page.get_by_role("button", name="Change").click()
    expect(page.locator(".zone-form")).to_contain_text("Central Time (Chicago)")
    assert "tz=America%2FChicago" in page.url


def test_javascript_shows_times_in_the_visitors_own_zone(browser: Browser, site: str) -> None:
    context = browser.new_context(timezone_id="America/Los_Angeles")
    try:
        page = context.new_page()
        page.goto(site + "/book/hannah-brenner/consultation/?format=video")
        page.wait_for_url("**tz=America%2FLos_Angeles**")
        expect(page.locator(".zone-form")).to_contain_text("Pacific Time (Los Angeles)")
        # A choice the visitor makes wins over the detected zone.
        page.select_option("#tz", "America/Denver")
        page.wait_for_url("**tz=America%2FDenver**")
        expect(page.locator(".zone-form")).to_contain_text("Mountain Time (Denver)")
    finally:
        context.close()


def test_every_step_of_the_journey_passes_axe(site: str, audited: Page) -> None:
    page = audited
    page.goto(site + "/book/")
    _audit(page)
    page.get_by_role("button", name="See open times").click()
    page.wait_for_load_state("networkidle")
    _audit(page)
    # The week's last time is days away, outside the cancellation window, so it can be moved.
    page.locator("a.time").last.click()
    _audit(page)
    page.get_by_role("button", name="Continue").click()  # empty: errors shown
    expect(page.locator(".error-summary")).to_be_visible()
    _audit(page)
    _fill_details(page)
    page.get_by_role("button", name="Continue").click()
    _audit(page)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    _audit(page)
    page.get_by_role("link", name="see, move or cancel this appointment").click()
    _audit(page)
    page.get_by_role("link", name="Move to another time").click()
    _audit(page)
    page.goto(site + "/book/ask/")
    _audit(page)
    page.get_by_role("button", name="Send").click()
    _audit(page)


def test_the_409_page_passes_axe_and_offers_times(site: str, audited: Page) -> None:
    page = audited
    page.goto(site + "/book/hannah-brenner/consultation/?format=video&tz=America/New_York")
    href = page.locator("a.time").first.get_attribute("href")
    page.goto(site + str(href))
    _fill_details(page)
    page.get_by_role("button", name="Continue").click()
    # Someone else takes the time while this person reads the summary.
    other = page.context.new_page()
    other.goto(site + str(href))
    other.get_by_label("What should we call you?").fill("Quick")
    other.get_by_label("Phone").fill("(212) 555-0100")
    other.get_by_role("button", name="Continue").click()
    other.get_by_role("button", name="Confirm booking").click()
    expect(other.get_by_role("heading", name="You're booked")).to_be_visible()
    response = page.expect_response(lambda r: "/confirm/" in r.url)
    with response as info:
        page.get_by_role("button", name="Confirm booking").click()
    assert info.value.status == 409
    expect(page.get_by_role("heading", name="That time was just taken")).to_be_visible()
    expect(page.locator("a.time").first).to_be_visible()
    _audit(page)
    assert Appointment.objects.count() == 1
    assert ConsultationRequest.objects.count() == 1


def test_asking_for_a_consultation_without_javascript(site: str, visit_without_js: Visit) -> None:
    page = visit_without_js.page
    page.goto(site + "/book/")
    page.get_by_role("link", name="Ask for a consultation").click()
    page.get_by_label("Which days and times would suit you?").fill("Weekday evenings")
    page.get_by_label("What should we call you?").fill("Ari")
    page.get_by_label("Phone").fill("(212) 555-0177")
    page.get_by_label("Text me").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you, your request is sent")).to_be_visible()
    request = ConsultationRequest.objects.get()
    assert (request.name, request.may_text, request.voicemail_ok) == ("Ari", True, False)


def test_the_visitors_zone_is_kept_for_quiet_hours(browser: Browser, site: str) -> None:
    context = browser.new_context(timezone_id="America/Chicago")
    try:
        page = context.new_page()
        page.goto(site + "/book/ask/")
        page.get_by_label("Which days and times would suit you?").fill("Mornings")
        page.get_by_label("What should we call you?").fill("Lou")
        page.get_by_label("Email", exact=True).fill("lou@example.org")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Thank you, your request is sent")).to_be_visible()
    finally:
        context.close()
    assert ConsultationRequest.objects.get().time_zone == "America/Chicago"
