"""The public booking side's rough edges, on a phone-sized screen, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.demo.loading import demo_load
from confide.scheduling.models import Appointment
from e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password="demo-password-for-tests")
    return live_server.url


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A phone-sized page, with JavaScript (CSP bypassed for axe-core) or without."""
    js = request.param
    context = browser.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        java_script_enabled=js,
        bypass_csp=js,
        timezone_id="America/New_York",
    )
    _JS[id(context)] = js
    yield context.new_page()
    context.close()


def _audit(page: Page) -> None:
    """Check the page with axe-core (where scripts run) and that nothing scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    if page.context.browser and _JS.get(id(page.context), True):
        assert axe_violations(page) == [], page.url


_JS: dict[int, bool] = {}


def _a_later_time(page: Page, site: str, fmt: str) -> None:
    page.goto(f"{site}/book/hannah-brenner/consultation/?format={fmt}&tz=America/New_York")
    # The week's last time is days away, outside the cancellation window.
    page.locator("a.time").last.click()


def test_a_phone_booking_asks_for_a_number_and_the_link_is_kept_without_email(
    site: str, phone_page: Page
) -> None:
    page = phone_page
    _a_later_time(page, site, "phone")
    expect(page.locator("#id_phone_helptext")).to_contain_text("a number to call you")
    page.get_by_label("What should we call you?").fill("Robin")
    page.get_by_label("Email", exact=True).fill("robin@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#id_phone_error")).to_contain_text("number to call you")
    _audit(page)

    page.get_by_label("Email", exact=True).fill("")
    page.get_by_label("Phone").fill("(212) 555-0123")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("called at the number you gave")
    expect(main).to_contain_text("It won't be sent to you")
    expect(main).not_to_contain_text("also in your email")
    link = page.get_by_label("The link to your appointment")
    expect(link).to_be_hidden()
    page.get_by_text("Show the link again").click()
    expect(link).to_be_visible()
    token = Appointment.objects.get().manage_token()
    assert (link.input_value() or "").endswith(f"/appointment/{token}/")
    _audit(page)


def test_moving_asks_first_and_cancelling_offers_to_book_again(site: str, phone_page: Page) -> None:
    page = phone_page
    _a_later_time(page, site, "video")
    page.get_by_label("What should we call you?").fill("Robin")
    page.get_by_label("Email", exact=True).fill("robin@example.org")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm booking").click()
    page.get_by_role("link", name="see, move or cancel this appointment").click()
    booked = Appointment.objects.get()

    page.get_by_role("link", name="Move to another time").click()
    page.locator("button.time").last.click()
    expect(page.get_by_role("heading", name="Move to")).to_be_visible()
    _audit(page)
    assert Appointment.objects.active().get().pk == booked.pk  # nothing moved yet
    page.get_by_role("link", name="Back to the times").click()
    expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    page.locator("button.time").last.click()
    page.get_by_role("button", name="Confirm the new time").click()
    expect(page.get_by_role("status")).to_contain_text("moved to the new time")
    moved = Appointment.objects.active().get()
    assert moved.pk != booked.pk

    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("status")).to_contain_text("cancelled")
    expect(page.locator("main")).not_to_contain_text("link comes")
    _audit(page)
    page.get_by_role("link", name="Book a new time").click()
    expect(page.locator("a.time").first).to_be_visible()
