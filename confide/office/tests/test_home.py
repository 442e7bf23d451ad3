"""The office home: today's and tomorrow's sessions, new requests, notes still to sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.clients.models import Client
from confide.clients.services import note_create, note_sign
from confide.clients.testing import sign_ready
from confide.office.tests.factories import (
    book,
    client_of,
    clinician_of,
    demo_clinician,
    request_for,
    therapist_user,
)
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType

SignIn = Callable[..., HttpClient]
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


def _at(days: int, hour: int) -> dt.datetime:
    """Return a moment ``days`` from today at ``hour`` o'clock in New York."""
    today = timezone.now().astimezone(NEW_YORK).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), NEW_YORK)


def test_anonymous_visitors_are_sent_to_sign_in(client: HttpClient, demo: None) -> None:
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/account/login/")


def test_a_signed_in_stranger_is_refused(signed_in: SignIn, stranger: User) -> None:
    assert signed_in(stranger).get("/office/").status_code == 403


def test_staff_without_the_second_factor_are_sent_to_finish_signing_in(
    signed_in: SignIn, therapist: User
) -> None:
    response = signed_in(therapist, second_factor=False).get("/office/")
    assert response.status_code == 302


def test_today_and_tomorrow_show_in_the_clinicians_zone(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(sam, _at(0, 23))
    book(client_of(demo_clinician(), "Lee T."), _at(1, 9))
    book(client_of(demo_clinician(), "Past week"), _at(-7, 9))
    book(client_of(demo_clinician(), "In two days"), _at(2, 9))
    book(client_of(demo_clinician(), "Called off"), _at(1, 11), status="cancelled")

    response = signed_in(therapist).get("/office/")

    assert response.status_code == 200
    html = response.content.decode()
    days, todo = html.split('id="todo"')
    today_part, tomorrow_part = days.split("Tomorrow</h2>")
    assert "Sam R." in today_part
    assert "11:00 PM</time>" in today_part
    assert "Lee T." in tomorrow_part
    assert "9:00 AM</time>" in tomorrow_part
    # By name: once today's 11 PM session has begun (a run late in the evening), its outcome
    # buttons say "Cancelled by client" on the page.
    for absent in ["In two days", "Called off"]:
        assert absent not in html
    # A past week's session is not on the day's list, but waits in the to-do list.
    assert "Past week" not in days
    assert "Past week" in todo.split("Sessions with nothing recorded")[1]
    assert "Individual session · Video" in html


def test_a_clinician_sees_only_their_own_day(
    signed_in: SignIn, colleague: User, sam: Client
) -> None:
    book(sam, _at(0, 12))
    request_for(demo_clinician(), name="Robin")

    html = signed_in(colleague).get("/office/").content.decode()

    assert "Sam R." not in html
    assert "Robin" not in html.replace("Robin Ashdown", "")


def test_new_requests_list_the_flagged_ones_first(
    signed_in: SignIn, therapist: User, demo: None
) -> None:
    clinician = demo_clinician()
    request_for(clinician, name="Flagged earlier", needs_attention=True)
    request_for(clinician, name="Plain newer")
    request_for(clinician, name="Already contacted", status="contacted")

    html = signed_in(therapist).get("/office/").content.decode()

    assert html.index("Flagged earlier") < html.index("Plain newer")
    assert html.index("Needs attention") < html.index("Plain newer")
    assert "Already contacted" not in html


def test_notes_not_yet_signed_link_to_the_note(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    draft = note_create(
        client=sam, kind="progress", template="soap", sections={"subjective": "x"},
        author=therapist, request=None,
    )  # fmt: skip
    signed = note_create(
        client=sam, kind="progress", template="dap", sections={"data": "y"},
        author=therapist, request=None,
    )  # fmt: skip
    note_sign(note=sign_ready(signed), actor=therapist, request=None, now=timezone.now())

    html = signed_in(therapist).get("/office/").content.decode()

    assert f'href="/office/notes/{draft.uid}/"' in html
    assert str(signed.uid) not in html
    assert "Progress note for Sam R." in html


def test_the_practice_manager_sees_the_schedule_but_no_notes(
    signed_in: SignIn, practice_manager: User, therapist: User, sam: Client
) -> None:
    book(sam, _at(0, 12))
    note_create(
        client=sam, kind="progress", template="soap", sections={"subjective": "x"},
        author=therapist, request=None,
    )  # fmt: skip

    html = signed_in(practice_manager).get("/office/").content.decode()

    assert "Sam R." in html
    assert "Notes to sign" not in html
    assert "/office/notes/" not in html


def test_the_owner_who_sees_clients_starts_with_their_own_day(
    signed_in: SignIn, demo: None, colleague: User, sam: Client
) -> None:
    demo_owner = User.objects.get(username="therapist")  # the demo's owner, Hannah Brenner
    other: Clinician = clinician_of(colleague)
    AppointmentType.objects.create(
        clinician=other, name="Session", slug="individual", duration_minutes=50
    )
    book(sam, _at(0, 12))
    book(client_of(other, "Kim P."), _at(0, 12))

    html = signed_in(demo_owner).get("/office/").content.decode()

    assert "Sam R." in html
    assert "Kim P." not in html
    assert Appointment.objects.count() == 2


def test_an_owner_without_clients_sees_the_whole_practice(
    signed_in: SignIn, owner: User, colleague: User, sam: Client
) -> None:
    other: Clinician = clinician_of(colleague)
    AppointmentType.objects.create(
        clinician=other, name="Session", slug="individual", duration_minutes=50
    )
    book(sam, _at(0, 12))
    book(client_of(other, "Kim P."), _at(0, 12))

    html = signed_in(owner).get("/office/").content.decode()

    assert "Sam R." in html
    assert "Kim P." in html
    assert "Robin Ashdown" in html


def test_an_empty_day_says_so(signed_in: SignIn, therapist: User) -> None:
    html = signed_in(therapist).get("/office/").content.decode()
    assert html.count("No appointments.") == 2
    assert "No new requests." in html
    assert "Every note you started is signed." in html
