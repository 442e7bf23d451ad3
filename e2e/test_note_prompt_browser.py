"""A psychotherapy note saved after the password went stale, in a real Chromium, on a phone too."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from confide.accounts.sessions import AUTH_RECORDS_KEY
from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from e2e.conftest import AXE, axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Set to a folder to keep the screenshots a person looks at when changing these pages.
SCREENSHOTS = os.environ.get("CONFIDE_SCREENSHOTS", "")


def _shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _password_goes_stale(page: Page) -> None:
    """Age the password the browser's session proved past the five-minute window."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    records = session[AUTH_RECORDS_KEY]
    for record in records:
        record["at"] = time.time() - 301
    session[AUTH_RECORDS_KEY] = records
    session.save()


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (PHONE, False)],
    ids=["desktop", "phone", "phone-without-js"],
)
def test_a_note_written_past_the_window_is_saved_after_the_password(
    live_server: LiveServer, browser: Browser, viewport: ViewportSize, javascript: bool
) -> None:
    assert AXE.exists()
    demo_load(password=PASSWORD)
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Rowan")],
        display_name="",
        clinician_id=Clinician.objects.get(slug="hannah-brenner").pk,
        actor=AnonymousUser(),
        request=None,
    )
    context = browser.new_context(
        viewport=viewport, java_script_enabled=javascript, bypass_csp=True
    )
    page = context.new_page()
    name = f"{'desktop' if viewport is DESKTOP else 'phone'}-{'js' if javascript else 'nojs'}"
    try:
        site = live_server.url
        page.goto(site + "/office/")
        office_sign_in(page, username="therapist", password=PASSWORD)
        page.wait_for_url(f"{site}/office/")

        page.goto(f"{site}/office/clients/{client.uid}/notes/new/?kind=psychotherapy&template=free")
        page.get_by_label("Note").fill("Long pause before speaking of the brother.")
        _shoot(page, f"prompt-1-form-{name}")
        _password_goes_stale(page)
        page.get_by_role("button", name="Save draft").click()

        page.wait_for_url("**/reauthenticate/**")
        body = page.locator("body").inner_text()
        assert "What you sent is kept" in body
        assert "Confirm it's you" in body
        if javascript:
            assert axe_violations(page) == []
        _shoot(page, f"prompt-2-password-{name}")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()

        page.wait_for_url("**/office/notes/**")
        note = ClinicalNote.objects.get()
        assert page.url == f"{site}/office/notes/{note.uid}/"
        assert note.sections["text"] == "Long pause before speaking of the brother."
        assert "Draft saved" in page.locator("body").inner_text()
        _shoot(page, f"prompt-3-saved-{name}")
    finally:
        context.close()
