"""axe-core on every page of the portal, on a phone and at a desk, found from the URL configuration.

Every route under /portal/ is either visited here or named as no page (a file, JSON, a POST that
only redirects). A page without arguments that another app mounts tomorrow is visited tomorrow
without a change here; a new page with arguments fails the first test until it is added below.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from confide.billing.demo import billing_demo_load
from confide.clients.models import Client, Person
from confide.intake import services as intake
from confide.measures import services as measures
from confide.messaging import services as messaging
from confide.office.tests.factories import therapist_user
from confide.portal.services import portal_invite
from confide.portal.tests.helpers import client_make, portal_tasks_run, session_make
from confide.portal.tests.test_payments import account_with_papers
from confide.portal.tests.test_portal_access import portal_routes
from confide.practice.models import Clinician
from confide.records import services as records
from e2e.conftest import DESKTOP, PHONE, axe_violations, context_make

pytestmark = pytest.mark.django_db(transaction=True)

# Set CONFIDE_SCREENSHOTS to a folder to keep a picture of each page at each size.
SHOTS = os.environ.get("CONFIDE_SCREENSHOTS", "")


# Routes that answer with something other than a page, and why.
NOT_PAGES = {
    "portal:sign_out": "a POST that ends the session and goes to the sign-in page",
    "portal:sign_in_passkey": "JSON for the passkey ceremony",
    "portal:sign_in_passkey_options": "JSON for the passkey ceremony",
    "portal:passkey_remove": "a POST that goes back to the passkeys page",
    "portal:intake:signed": "a signed PDF",
    "portal:records:download": "a POST answered with the record as a file",
    "portal:messages:attachment": "a file sent with a message",
    "portal:payment_document": "a POST answered with a PDF",
}
# Pages open to anyone, visited by signing in.
SIGN_IN_PAGES = {"portal:sign_in", "portal:sign_in_code", "portal:sign_in_link"}
# Pages with arguments: how this test reaches each (see _visit_pages_with_arguments).
WITH_ARGUMENTS = {
    "portal:appointment",
    "portal:appointment_cancel",
    "portal:appointment_move",
    "portal:intake:document",
    "portal:measures:answer",
    "portal:measures:done",
}


def _routes() -> dict[str, str]:
    return {name: "/" + route for name, route, _ in portal_routes()}


def test_every_portal_route_is_visited_below_or_is_no_page() -> None:
    known = NOT_PAGES.keys() | SIGN_IN_PAGES | WITH_ARGUMENTS
    unknown = {n: r for n, r in _routes().items() if n not in known and "<" in r}
    assert not unknown, f"Add how to reach these pages to {__name__}: {unknown}"


@pytest.fixture
def site(site: str) -> str:
    """The demo practice (see e2e/conftest.py), with a year of the demo's billing."""
    clinician = Clinician.objects.get(slug="hannah-brenner")
    billing_demo_load(clinician=clinician, today=timezone.localdate() - dt.timedelta(days=365))
    return site


@pytest.fixture
def avery(site: str) -> Client:
    """A client with something on every page: sessions, paperwork, a measure, a message, money."""
    client = client_make(("Avery Example", "avery@example.org"))
    person = client.people.get()
    therapist = therapist_user()
    account_with_papers(client, therapist)
    session_make(client, start=timezone.now().replace(microsecond=0) + dt.timedelta(days=5))
    intake.packet_send(client=client, people=[person], actor=None, now=timezone.now())
    measures.measure_send(
        client=client, person=person, code="phq9", actor=None, now=timezone.now(), request=None
    )
    messaging.message_send_by_staff(
        person=person,
        user=therapist,
        body="Hello, this is a note to say the room has changed.",
        upload=None,
        request=None,
        now=timezone.now(),
    )
    records.record_request_create(
        person=person, kind="correction", what="My middle name", why="", now=timezone.now()
    )
    portal_invite(person=person, actor=AnonymousUser(), request=None)
    portal_tasks_run()
    mail.outbox.clear()
    return client


def _checked(page: Page, name: str, seen: set[str], width: int, *, signed_in: bool = True) -> None:
    expect(page.get_by_role("link", name="Leave this site")).to_be_visible()
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    expect(page.get_by_role("heading", name="If you need help now")).to_be_visible()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_have_count(1 if signed_in else 0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert axe_violations(page) == [], (name, page.url)
    if SHOTS:
        shot = f"{SHOTS}/portal-{width}-{name.replace(':', '-').replace(' ', '-')}.png"
        page.screenshot(path=shot, full_page=True)
    seen.add(name)


def _visit_sign_in(page: Page, site: str, seen: set[str], width: int) -> None:
    page.goto(site + "/portal/sign-in/")
    _checked(page, "portal:sign_in", seen, width, signed_in=False)
    page.get_by_label("Your email address or mobile number").fill("avery@example.org")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("If that address is one we know")).to_be_visible()
    _checked(page, "portal:sign_in_code", seen, width, signed_in=False)
    portal_tasks_run()
    body = str(mail.outbox[-1].body)
    code = re.search(r"code is (\d{3} \d{3})", body)
    link = re.search(r"http\S+/portal/sign-in/link/\S+/", body)
    assert code
    assert link
    # The link's page, only looked at: its button is never pressed, so the code still works.
    look = page.context.new_page()
    look.goto(link.group(0))
    _checked(look, "portal:sign_in_link", seen, width, signed_in=False)
    look.close()
    page.get_by_label("Your 6-digit code").fill(code.group(1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()


def _visit_pages_with_arguments(
    page: Page, site: str, person: Person, seen: set[str], width: int
) -> None:
    appointment = person.client.appointments.filter(start__gt=timezone.now()).earliest("start")
    base = f"{site}/portal/appointments/{appointment.manage_token()}/"
    steps: list[tuple[str, str]] = [
        ("portal:appointment", base),
        ("portal:appointment_cancel", base + "cancel/"),
        ("portal:appointment_move", base + "move/"),
    ]
    for name, url in steps:
        page.goto(url)
        _checked(page, name, seen, width)

    page.goto(site + "/portal/paperwork/")
    page.locator("section[aria-labelledby=to-sign-heading] li a").first.click()
    _checked(page, "portal:intake:document", seen, width)

    page.goto(site + "/portal/questionnaires/")
    page.get_by_role("link", name="PHQ-9").click()
    _checked(page, "portal:measures:answer", seen, width)
    for number in range(1, 10):
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_label("Not at all").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    _checked(page, "portal:measures:done", seen, width)


def _visit_too_many(browser: Browser, site: str, size: ViewportSize, seen: set[str]) -> None:
    """Ask for codes from one connection until the pause page shows; check that page too."""
    context = context_make(browser, js=True, size=size)
    page = context.new_page()
    try:
        for _ in range(12):
            page.goto(site + "/portal/sign-in/")
            page.get_by_label("Your email address or mobile number").fill("nobody@example.org")
            page.get_by_role("button", name="Send me a code").click()
            if page.get_by_role("heading", name="Please wait a few minutes").count():
                break
        _checked(page, "too many tries", seen, size["width"], signed_in=False)
    finally:
        context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_portal_page_has_no_axe_violations(
    site: str, avery: Client, browser: Browser, contexts: list[BrowserContext], size: ViewportSize
) -> None:
    person = avery.people.get()
    context = context_make(browser, js=True, size=size)
    contexts.append(context)
    page = context.new_page()
    seen: set[str] = set()
    width = size["width"]

    _visit_sign_in(page, site, seen, width)
    plain = {
        name: route
        for name, route in _routes().items()
        if "<" not in route and name not in NOT_PAGES and name not in SIGN_IN_PAGES
    }
    for name, route in sorted(plain.items()):
        response = page.goto(site + route)
        assert response is not None
        assert response.status == 200, (name, response.status)
        _checked(page, name, seen, width)
    _visit_pages_with_arguments(page, site, person, seen, width)
    _visit_too_many(browser, site, size, seen)

    pages = set(_routes()) - NOT_PAGES.keys()
    assert pages <= seen, pages - seen
    assert {"portal:home", "portal:payments", "portal:messages:thread"} <= seen
