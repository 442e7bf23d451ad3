"""Writing, signing and amending a note in a real Chromium, and finding it in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from e2e.conftest import axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password=PASSWORD)
    return live_server.url


def _sign_in(page: Page, site: str) -> None:
    """Sign in as the demo therapist, the demo clinician's own account, as `make run` makes it."""
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")


def test_write_sign_amend_and_find_it_in_the_audit_log(site: str, audit_page: Page) -> None:
    page = audit_page
    _sign_in(page, site)
    couple = services.client_create(
        kind=Client.Kind.COUPLE,
        people=[PersonDetails(name="Mira"), PersonDetails(name="Jon")],
        display_name="",
        clinician_id=Clinician.objects.get(slug="hannah-brenner").pk,
        actor=AnonymousUser(),
        request=None,
    )
    page.goto(site + "/office/clients/")
    page.get_by_role("link", name="Mira and Jon").click()
    page.wait_for_url(f"{site}/office/clients/{couple.uid}/")
    assert axe_violations(page) == []
    page.get_by_label("Template").select_option("dap")
    page.get_by_role("button", name="Write a note").click()
    expect(page.get_by_label("Data")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Data").fill("Both spoke about the move.")
    page.get_by_label("Plan").fill("Weekly, same time.")
    # No session yet: a phone call, with its own date and minutes, and the risk recorded.
    page.get_by_label("What it was").select_option("phone_call")
    page.get_by_label("Date of service").fill("2026-11-02")
    page.get_by_label("Minutes").fill("20")
    page.get_by_label("No risk noted").check()
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.locator(".page-header .meta")).to_contain_text("Signed and locked")
    assert axe_violations(page) == []
    page.get_by_role("textbox", name="Amendment").fill("Correction: the move is in spring.")
    page.get_by_role("button", name="Add amendment").click()
    expect(page.get_by_text("Correction: the move is in spring.")).to_be_visible()
    note = ClinicalNote.objects.get()
    assert note.is_signed
    assert note.sections["data"] == "Both spoke about the move."
    page.get_by_role("link", name="Mira and Jon").click()
    page.get_by_role("link", name="Who opened or changed this record").click()
    table = page.locator("table")
    expect(table).to_contain_text("Signed")
    expect(table).to_contain_text("Amended")
    expect(table).to_contain_text("therapist")
    expect(table).not_to_contain_text("the move")
    assert axe_violations(page) == []
    assert Client.objects.get(pk=couple.pk).notes.count() == 1
