"""A therapist idles past the sign-out while writing a note, in Chromium, and loses nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from e2e.conftest import Visit, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
IDLE = 6  # seconds; the real limit is fifteen minutes
WORDS = "She let herself be angry at the old house, and stayed."


@pytest.fixture
def site(live_server: LiveServer, settings: Settings) -> str:
    settings.STAFF_SESSION_IDLE_SECONDS = IDLE
    # Two sign-ins inside one test: the second takes the next period's code.
    settings.MFA_TOTP_TOLERANCE = 1
    demo_load(password=PASSWORD)
    return live_server.url


def _sign_in(page: Page, *, code_offset: int = 0) -> None:
    """Fill in the sign-in form the page shows, password then second factor."""
    office_sign_in(page, username="therapist", password=PASSWORD, code_offset=code_offset)


def _new_note_page(page: Page, site: str) -> Client:
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Noor Example")],
        display_name="Noor E.",
        clinician_id=Clinician.objects.get(slug="hannah-brenner").pk,
        actor=AnonymousUser(),
        request=None,
    )
    page.goto(f"{site}/office/clients/{client.uid}/notes/new/?kind=progress&template=dap")
    _sign_in(page)
    page.wait_for_url(re.compile(r".*/notes/new/\?kind=progress.*"))
    return client


def test_with_javascript_the_draft_saves_itself_before_the_sign_out(
    site: str, visit: Visit
) -> None:
    page = visit.page
    _new_note_page(page, site)

    page.get_by_label("Data").fill(WORDS)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    note = ClinicalNote.objects.get()
    assert page.url.endswith(f"/office/notes/{note.uid}/")
    expect(page.locator("#idle-warning")).to_be_visible()

    # Nothing more is done: the page signs itself out when the limit passes.
    page.wait_for_url(re.compile(r".*/office/account/login/.*"), timeout=(IDLE + 10) * 1000)
    expect(page.get_by_text("15 minutes without activity")).to_be_visible()
    _sign_in(page, code_offset=1)
    page.wait_for_url(f"**/office/notes/{note.uid}/")

    expect(page.get_by_label("Data")).to_have_value(WORDS)
    note.refresh_from_db()
    assert note.sections["data"] == WORDS
    assert not note.is_signed
    assert visit.console_errors == []


def test_without_javascript_a_sign_after_the_limit_brings_the_text_back_unsigned(
    site: str, visit_without_js: Visit
) -> None:
    page = visit_without_js.page
    _new_note_page(page, site)
    page.get_by_label("Data").fill(WORDS)
    page.get_by_label("Plan").fill("Same time next week.")

    page.wait_for_timeout((IDLE + 1) * 1000)
    page.get_by_role("button", name="Sign and lock").click()

    page.wait_for_url(re.compile(r".*/office/account/login/.*"))
    expect(page.get_by_text("What you were writing is kept")).to_be_visible()
    assert not ClinicalNote.objects.exists()
    _sign_in(page, code_offset=1)
    page.wait_for_url(re.compile(r".*/notes/new/\?.*kept=.*"))

    expect(page.get_by_text("It is not saved yet")).to_be_visible()
    expect(page.get_by_label("Data")).to_have_value(WORDS)
    expect(page.get_by_label("Plan")).to_have_value("Same time next week.")
    assert not ClinicalNote.objects.exists()  # never signed on its own
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    note = ClinicalNote.objects.get()
    assert note.sections["data"] == WORDS
    assert not note.is_signed


def test_with_javascript_leaving_the_page_saves_what_was_just_typed(
    site: str, visit: Visit, settings: Settings
) -> None:
    settings.STAFF_SESSION_IDLE_SECONDS = 15 * 60
    page = visit.page
    client = _new_note_page(page, site)

    page.get_by_label("Data").fill(WORDS)
    # Away at once, before the pause after typing that starts an automatic save.
    page.goto(f"{site}/office/clients/{client.uid}/")

    # The beacon is sent as the page goes; give the server a moment to store it.
    for _ in range(50):
        if ClinicalNote.objects.exists():
            break
        page.wait_for_timeout(100)
    note = ClinicalNote.objects.get()
    assert note.sections["data"] == WORDS
    assert not note.is_signed
