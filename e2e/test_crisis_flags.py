"""A request whose words flag: the sender sees the usual page, the office sees what was flagged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients.models import ConsultationRequest
from confide.clients.screening import LABELS
from confide.demo.loading import demo_load
from confide.practice.demo import DEMO_USERNAME
from e2e.conftest import AXE, axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "demo-password-for-tests"
WORDS = "I\u2019m not suicidal, I just don\u2019t want to wake up some mornings."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password=PASSWORD)
    return live_server.url


def _page(browser: Browser, *, viewport: dict[str, int], javascript: bool = True) -> Page:
    context = browser.new_context(
        bypass_csp=True,
        java_script_enabled=javascript,
        viewport=viewport,  # type: ignore[arg-type]
        timezone_id="America/New_York",
    )
    return context.new_page()


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


def _audit(page: Page) -> None:
    assert AXE.exists()
    assert axe_violations(page) == [], page.url


def _ask(page: Page, site: str, *, name: str, note: str) -> None:
    page.goto(site + "/book/ask/")
    page.get_by_label("Which days and times would suit you?").fill("Weekday evenings")
    page.get_by_label("What should we call you?").fill(name)
    page.get_by_label("Email", exact=True).fill(f"{name.lower()}@example.org")
    page.get_by_label("Anything you'd like me to know? (optional)").fill(note)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you, your request is sent")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_sender_sees_the_same_page_and_the_office_sees_what_was_flagged(
    site: str, browser: Browser, pages: list[Page], javascript: bool
) -> None:
    # Two people on phones: one writes words that flag, one does not.
    phone = _page(browser, viewport=PHONE, javascript=javascript)
    other = _page(browser, viewport=PHONE, javascript=javascript)
    pages += [phone, other]
    _ask(phone, site, name="Robin", note=WORDS)
    _ask(other, site, name="Morgan", note="Evenings are easier for me.")

    # Nothing tells the sender their words were screened; both see help now, the same way.
    flagged_text = phone.locator("main").inner_text()
    assert flagged_text.replace("Robin", "") == other.locator("main").inner_text().replace(
        "Morgan", ""
    )
    for word in ("flag", "detected", "screen", "safe"):
        assert word not in flagged_text.lower()
    expect(phone.get_by_text("988").first).to_be_visible()
    if javascript:
        _audit(phone)
    robin = ConsultationRequest.objects.get(name="Robin")
    assert robin.needs_attention
    assert not ConsultationRequest.objects.get(name="Morgan").needs_attention

    # The therapist, at a desk and on a phone, sees the flag first and what was flagged.
    for offset, viewport in enumerate((DESKTOP, PHONE)):
        office = _page(browser, viewport=viewport, javascript=javascript)
        pages.append(office)
        office.goto(site + "/office/")
        office_sign_in(office, username=DEMO_USERNAME, password=PASSWORD, code_offset=offset)
        first = office.locator(".requests li").first
        expect(first).to_contain_text("Robin")
        expect(first).to_contain_text("Needs attention")
        first.get_by_role("link", name="Robin").click()
        attention = office.get_by_role("note")
        expect(attention).to_contain_text("Needs attention")
        expect(attention).to_contain_text("What was flagged:")
        flagged = office.get_by_role("list", name="What was flagged:")
        expect(flagged.get_by_role("listitem")).to_have_text([LABELS["ideation"]])
        expect(flagged).to_be_visible()
        box = flagged.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= viewport["width"]
        if javascript:
            _audit(office)
        morgan = ConsultationRequest.objects.get(name="Morgan")
        office.goto(site + reverse("office:request", args=[morgan.uid]))
        expect(office.get_by_role("heading", name="Morgan")).to_be_visible()
        assert "What was flagged" not in office.locator("main").inner_text()
