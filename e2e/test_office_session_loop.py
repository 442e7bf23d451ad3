"""Today's outcome buttons and to-do list, the appointment page and a signed note, in Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType
from e2e.conftest import axe_violations, begun_today, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def site(live_server: LiveServer) -> str:
    demo_load(password=PASSWORD)
    return live_server.url


def _sign_in(page: Page, site: str) -> None:
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")


def test_record_attendance_then_write_and_sign_the_sessions_note(
    site: str, audit_page: Page
) -> None:
    page = audit_page
    page.set_viewport_size({"width": 390, "height": 844})
    clinician = Clinician.objects.get(slug="hannah-brenner")
    couple = services.client_create(
        kind=Client.Kind.COUPLE,
        people=[PersonDetails(name="Dana Example"), PersonDetails(name="Kai Example")],
        display_name="Dana & Kai",
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
    )
    kind = AppointmentType.objects.get(clinician=clinician, slug="individual")
    start = begun_today(clinician.time_zone, length=kind.duration, ago=dt.timedelta(minutes=5))
    session = Appointment(
        clinician=clinician, appointment_type=kind, format="video", start=start,
        end=start + kind.duration, client=couple,
    )  # fmt: skip
    session.save()

    _sign_in(page, site)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Attended").click()
    expect(page.get_by_text("Recorded: attended.")).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Dana & Kai").first.click()
    page.get_by_role("link", name="Write the note for this session").click()
    expect(page.get_by_label("Started")).not_to_have_value("")
    page.get_by_label("Subjective").fill("Both spoke about the hour before bed.")
    page.get_by_label("No risk noted").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign and lock").click()

    expect(page.get_by_text("Signed and locked.")).to_be_visible()
    expect(page.locator(".signature")).to_contain_text(f"by {clinician.name}")
    assert axe_violations(page) == []
    note = ClinicalNote.objects.get()
    assert note.is_signed
    assert note.appointment_id == session.pk
    assert set(note.people_present.values_list("name", flat=True)) == {
        "Dana Example",
        "Kai Example",
    }
