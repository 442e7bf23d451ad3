"""The office's rough edges on a phone and a desktop: requests, a client's origin, signing out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients import services
from confide.clients.models import Client, ConsultationRequest
from confide.demo.loading import demo_load
from confide.practice.demo import DEMO_USERNAME
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType
from e2e.conftest import axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
WORDS = "Some nights I want to die, and I am ashamed to say so."


def _fits_the_screen(page: Page, width: int) -> bool:
    scroll_width: int = page.evaluate("document.documentElement.scrollWidth")
    return scroll_width <= width


@pytest.fixture
def robin(live_server: LiveServer) -> Client:
    """A flagged request that became a client, and a request whose consultation was cancelled."""
    demo_load(password=PASSWORD)
    clinician = Clinician.objects.get(slug="hannah-brenner")
    flagged = ConsultationRequest(
        clinician=clinician, name="Robin", phone="212-555-0142", may_call=True,
        needs_attention=True,
    )  # fmt: skip
    flagged.note = WORDS
    flagged.save()
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[services.person_details_from_request(flagged)],
        display_name="Robin", clinician_id=clinician.pk, actor=AnonymousUser(), request=None,
        consultation=flagged,
    )  # fmt: skip
    cancelled = ConsultationRequest.objects.create(
        clinician=clinician, name="Jordan", email="jordan@example.org", may_email=True,
    )  # fmt: skip
    kind = AppointmentType.objects.get(clinician=clinician, slug="consultation")
    start = timezone.now() + dt.timedelta(days=3)
    Appointment(
        clinician=clinician, appointment_type=kind, format="phone", start=start,
        end=start + kind.duration, consultation=cancelled, status="cancelled",
    ).save()  # fmt: skip
    return client


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_requests_list_and_a_clients_origin_read_well(
    live_server: LiveServer, robin: Client, audit_page: Page, size: ViewportSize
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(size)
    page.goto(site + "/office/")
    office_sign_in(page, username=DEMO_USERNAME, password=PASSWORD)
    page.wait_for_url(f"{site}/office/")

    page.goto(site + "/office/requests/?show=all")
    jordan = page.locator(".request", has_text="Jordan")
    expect(jordan).to_contain_text("Cancelled")
    expect(jordan).to_contain_text("Sent ")
    expect(jordan).not_to_contain_text("New")
    assert _fits_the_screen(page, size["width"])
    assert axe_violations(page) == []

    page.goto(site + robin.get_absolute_url())
    origin = page.get_by_role("region", name="Where they came from")
    expect(origin).to_contain_text("Needs attention")
    expect(origin).to_contain_text(WORDS)
    assert _fits_the_screen(page, size["width"])
    assert axe_violations(page) == []
    origin.get_by_role("link", name="open the request").click()
    expect(page.get_by_role("heading", name="Robin", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/office/account/login/**")
    page.goto(site + "/office/")
    page.wait_for_url("**/office/account/login/**")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_printout_names_the_practice_the_request_and_the_date(
    live_server: LiveServer, robin: Client, audit_page: Page, size: ViewportSize
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(size)
    page.goto(site + "/office/")
    office_sign_in(page, username=DEMO_USERNAME, password=PASSWORD)
    page.wait_for_url(f"{site}/office/")

    page.goto(f"{site}/office/clients/{robin.uid}/export/")
    page.get_by_label("Readable printout").check()
    page.get_by_role("button", name="Export").click()

    printout = page.locator("article.printout")
    expect(printout).to_contain_text("Brenner Psychotherapy")
    expect(printout).to_contain_text("Printed ")
    expect(printout).to_contain_text("Flagged for crisis language")
    expect(printout).to_contain_text(WORDS)
    assert _fits_the_screen(page, size["width"])
    assert axe_violations(page) == []
