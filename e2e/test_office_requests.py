"""The office in a real Chromium: sign in with the second factor, accept a request into a couple."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.accounts.testing import totp_code
from confide.clients.models import Client, ConsultationRequest
from confide.demo.loading import demo_load
from confide.practice.demo import DEMO_USERNAME
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType
from e2e.conftest import AXE, Visit, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password=PASSWORD)
    clinician = Clinician.objects.get(slug="hannah-brenner")
    ConsultationRequest.objects.create(
        clinician=clinician, name="Morgan", email="morgan@example.org", may_email=True,
    )  # fmt: skip
    robin = ConsultationRequest(
        clinician=clinician, name="Robin", phone="212-555-0142", may_call=True,
        for_couple=True, partner_name="Alex", needs_attention=True,
    )  # fmt: skip
    robin.safe_times = "weekdays after 6 pm"
    robin.note = "Evenings are easier."
    robin.save()
    return live_server.url


@pytest.fixture
def office(browser: Browser, site: str) -> Iterator[tuple[Page, list[str]]]:
    """A page signed in as the demo therapist; CSP bypassed so axe-core can audit it."""
    context = browser.new_context(bypass_csp=True, timezone_id="America/New_York")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _sign_in(page, site)
    yield page, requests
    context.close()


def _sign_in(page: Page, site: str) -> None:
    """Sign in through the real pages: password, then a code from the authenticator app."""
    page.goto(site + "/office/")
    page.locator("input[name='login']").fill(DEMO_USERNAME)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").first.click()
    code = page.locator("input[name='code']")
    expect(code).to_be_visible()
    code.fill(totp_code(User.objects.get(username=DEMO_USERNAME)))
    page.locator("form button[type='submit']").first.click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()


def _audit(page: Page) -> None:
    assert AXE.exists()
    assert axe_violations(page) == [], page.url


def test_accepting_a_consultation_request_into_a_couple(
    site: str, office: tuple[Page, list[str]]
) -> None:
    page, requests = office
    # The home lists the flagged request first, and says why in words.
    requests_list = page.locator(".requests")
    expect(requests_list.locator("li").first).to_contain_text("Robin")
    expect(requests_list.locator("li").first).to_contain_text("Needs attention")
    _audit(page)

    page.get_by_role("link", name="Robin").click()
    expect(page.get_by_role("heading", name="Robin", exact=True)).to_be_visible()
    wishes = page.locator(".contact-wishes")
    expect(wishes).to_contain_text("no voicemail")
    expect(wishes).to_contain_text("don't name the practice")
    expect(wishes).to_contain_text("safe times: weekdays after 6 pm")
    expect(page.locator(".their-note")).to_contain_text("Evenings are easier.")

    page.locator("summary", has_text="Make them a client").click()
    form = page.locator("form[action$='/client/']")
    # The request was for a couple, so "Couple" is chosen and the partner's fields show.
    expect(form.get_by_label("Couple")).to_be_checked()
    expect(form.get_by_label("Partner's name")).to_have_value("Alex")
    _audit(page)
    form.get_by_label("Individual").check()
    expect(form.get_by_label("Partner's name")).to_be_hidden()
    form.get_by_label("Couple").check()
    form.get_by_label("Partner's email").fill("alex@example.org")
    form.get_by_label("May email").check()
    form.get_by_role("button", name="Make them a client").click()

    expect(page.get_by_role("heading", name="Robin and Alex")).to_be_visible()
    expect(page.get_by_text("Robin and Alex is now a client.")).to_be_visible()
    client = Client.objects.get(display_name="Robin and Alex")
    assert client.kind == Client.Kind.COUPLE
    assert [p.name for p in client.people.all()] == ["Robin", "Alex"]

    page.get_by_role("navigation", name="Office").get_by_role("link", name="Clients").click()
    expect(page.locator("main")).to_contain_text("Robin and Alex")
    assert [url for url in requests if not url.startswith(site)] == []


def test_the_calendar_and_booking_pages_pass_axe(site: str, office: tuple[Page, list[str]]) -> None:
    page, requests = office
    clinician = Clinician.objects.get(slug="hannah-brenner")
    kind = AppointmentType.objects.get(clinician=clinician, slug="individual")
    robin = ConsultationRequest.objects.get(name="Robin")
    Appointment(
        clinician=clinician, appointment_type=kind, format="video", consultation=robin,
        start=_utc("2027-03-16 14:00"), end=_utc("2027-03-16 14:50"),
    ).save()  # fmt: skip

    page.goto(site + "/office/calendar/?date=2027-03-16&view=week")
    expect(page.get_by_role("heading", name="Week of March 15, 2027")).to_be_visible()
    expect(page.locator(".tg__appt")).to_contain_text("10:00 AM")
    _audit(page)

    page.goto(site + "/office/calendar/?date=2027-02-30")
    expect(page.locator("#id_date_error")).to_contain_text("Enter a date like 2027-03-14.")
    _audit(page)

    page.goto(site + "/office/appointments/new/")
    page.get_by_role("button", name="Book").click()
    expect(page.locator("#error-summary")).to_be_focused()
    _audit(page)
    assert [url for url in requests if not url.startswith(site)] == []


def test_closing_a_request_without_javascript(browser: Browser, site: str) -> None:
    visit = Visit(browser.new_context(java_script_enabled=False))
    try:
        page = visit.page
        _sign_in(page, site)
        page.get_by_role("link", name="Requests", exact=True).click()
        page.get_by_role("link", name="Morgan").click()
        page.get_by_role("button", name="Mark as contacted").click()
        expect(page.get_by_text("Marked as contacted.")).to_be_visible()
        # Without JavaScript the <details> still opens, and the partner's fields always show.
        page.locator("summary", has_text="Close the request").click()
        page.get_by_role("button", name="Close the request").click()
        expect(page.locator("#id_reason_error")).to_contain_text("Say why the request is closed.")
        page.get_by_label("Why is it closed?").fill("Found help closer to home")
        page.get_by_role("button", name="Close the request").click()
        expect(page.get_by_text("Closed: Found help closer to home")).to_be_visible()
        assert ConsultationRequest.objects.get(name="Morgan").status == "closed"
        assert visit.foreign_requests(site) == []
    finally:
        visit.context.close()


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
