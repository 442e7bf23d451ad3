"""Notes written for a session: the contact they record, what signing asks for, and the stamp."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails, client_create
from confide.office.tests.factories import book, client_of, demo_clinician, therapist_user
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

SignIn = Callable[..., HttpClient]
NEW_YORK = ZoneInfo("America/New_York")
RISK_WORDS = "Asked about safety; passive thoughts last month, none now; plan reviewed."
OTHERS = "Her sister Quinn, for the first ten minutes."


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def couple(demo: None) -> Client:
    return client_create(
        kind=Client.Kind.COUPLE,
        people=[PersonDetails(name="Dana"), PersonDetails(name="Kai")],
        display_name="Dana & Kai",
        clinician_id=demo_clinician().pk,
        actor=AnonymousUser(),
        request=None,
    )


@pytest.fixture
def session(couple: Client) -> Appointment:
    """A couples session that began yesterday at 2 PM in New York, 50 minutes long."""
    day = timezone.now().astimezone(NEW_YORK).date() - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(14), NEW_YORK)
    appointment = book(couple, start)
    appointment.appointment_type.kind = "couples"
    appointment.appointment_type.save(update_fields=["kind"])
    return appointment


def _new(couple: Client, session: Appointment | None = None) -> str:
    url = f"/office/clients/{couple.uid}/notes/new/?kind=progress&template=dap"
    return url + (f"&appointment={session.pk}" if session else "")


def _full(couple: Client, session: Appointment, **changes: object) -> dict[str, object]:
    day = session.start.astimezone(NEW_YORK).date().isoformat()
    values: dict[str, object] = {
        "appointment": str(session.pk),
        "service": "couples_with_client",
        "service_date": day,
        "start_time": "14:05",
        "end_time": "14:58",
        "format": "video",
        "present": [str(p.uid) for p in couple.people.all()],
        "others_present": OTHERS,
        "data": "Spoke about the hour before bed.",
        "assessment": "Less blame than last week.",
        "plan": "Same time next week.",
        "risk": "assessed",
        "risk_detail": RISK_WORDS,
    }
    values.update(changes)
    return values


def test_a_note_started_from_a_session_takes_its_date_times_format_and_people(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    html = signed_in(therapist).get(_new(couple, session)).content.decode()

    day = session.start.astimezone(NEW_YORK).date().isoformat()
    assert f'name="service_date" value="{day}"' in html
    assert 'name="start_time" value="14:00' in html
    assert 'name="end_time" value="14:50' in html
    assert f'<option value="{session.pk}" selected>' in html
    assert 'value="couples_with_client" selected' in html
    assert html.count('name="present"') == 2
    assert html.count("checked") >= 3  # both partners, and the video format
    assert "Not for a session" in html
    assert 'name="risk"' in html


def test_another_clients_session_is_not_offered_nor_accepted(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    other = book(client_of(demo_clinician(), "Lee T."), session.start - dt.timedelta(days=7))
    office = signed_in(therapist)

    assert office.get(_new(couple, other)).status_code == 404
    response = office.post(_new(couple), _full(couple, session, appointment=str(other.pk)))

    assert response.status_code == 400
    assert not ClinicalNote.objects.exists()


def test_signing_asks_for_what_the_note_lacks(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    office = signed_in(therapist)
    office.post(_new(couple), {"data": "Only text so far.", "appointment": ""})
    note = ClinicalNote.objects.get()

    bare = office.post(f"/office/notes/{note.uid}/", {"data": "Text.", "sign": ""}, follow=True)

    html = bare.content.decode()
    assert "Before signing:" in html
    for missing in ["Say what the contact was.", "Give the date of service.", "Record risk"]:
        assert missing in html
    unexplained = office.post(
        f"/office/notes/{note.uid}/", {**_full(couple, session, risk_detail=""), "sign": ""},
        follow=True,
    )  # fmt: skip
    assert "Describe the risk assessment." in unexplained.content.decode()
    note.refresh_from_db()
    assert not note.is_signed


def test_signing_stamps_the_signer_as_they_are_that_day(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    clinician = demo_clinician()
    office = signed_in(therapist)

    office.post(_new(couple, session), {**_full(couple, session), "sign": ""})

    note = ClinicalNote.objects.get()
    assert note.is_signed
    assert note.appointment == session
    assert note.minutes == 53
    assert (note.signer_name, note.signer_credentials) == (clinician.name, clinician.credentials)
    assert clinician.license_number in note.signer_license
    assert note.signed_zone == clinician.time_zone
    assert set(note.people_present.all()) == set(couple.people.all())
    Clinician.objects.filter(pk=clinician.pk).update(credentials="LCSW-R, PhD")
    page = office.get(f"/office/notes/{note.uid}/").content.decode()
    assert (
        f"by {clinician.name}, {clinician.credentials}, license {clinician.license_state}" in page
    )
    assert "LCSW-R, PhD" not in page
    assert "2:05 PM\u20132:58 PM (53 minutes)" in page
    assert RISK_WORDS in page
    assert OTHERS in page


def test_a_session_that_ran_past_midnight_ends_on_the_next_day(
    signed_in: SignIn, therapist: User, couple: Client
) -> None:
    day = timezone.now().astimezone(NEW_YORK).date() - dt.timedelta(days=2)
    late = book(couple, dt.datetime.combine(day, dt.time(23, 30), NEW_YORK))
    office = signed_in(therapist)

    office.post(
        _new(couple, late),
        {**_full(couple, late, start_time="23:35", end_time="00:25"), "sign": ""},
    )

    note = ClinicalNote.objects.get()
    assert note.is_signed
    assert note.minutes == 50
    assert note.service_date == day
    assert note.ended_at is not None
    assert note.ended_at.astimezone(NEW_YORK).date() == day + dt.timedelta(days=1)
    page = office.get(f"/office/notes/{note.uid}/").content.decode()
    assert "11:35 PM\u201312:25 AM (50 minutes)" in page


def test_an_end_just_before_the_start_is_questioned_not_read_as_the_next_day(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    office = signed_in(therapist)

    response = office.post(
        _new(couple, session),
        {**_full(couple, session, start_time="14:05", end_time="13:55"), "sign": ""},
        follow=True,
    )

    assert "Give the session&#x27;s actual start and end." in response.content.decode()
    assert not ClinicalNote.objects.get().is_signed


def test_risk_and_others_present_are_sealed_with_the_text(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    signed_in(therapist).post(_new(couple, session), _full(couple, session))

    note = ClinicalNote.objects.get()
    assert note.risk_detail == RISK_WORDS
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM clients_clinicalnote")
        raw = repr(cursor.fetchall())
    assert "passive thoughts" not in raw
    assert "Quinn" not in raw


def test_a_phone_call_is_signed_with_its_own_date_and_minutes(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    office = signed_in(therapist)

    office.post(
        _new(couple),
        {
            **_full(couple, session, service="phone_call", risk="none_noted", risk_detail=""),
            "minutes": "12",
            "sign": "",
        },
    )

    note = ClinicalNote.objects.get()
    assert note.is_signed
    assert note.appointment is None  # a call is not a session, whatever was chosen
    assert (note.started_at, note.minutes) == (None, 12)
    assert not note.for_session


def test_a_psychotherapy_note_may_follow_a_session_and_asks_nothing_more(
    client: HttpClient, therapist: User, couple: Client, session: Appointment
) -> None:
    from confide.accounts.testing import sign_in

    office = sign_in(client, therapist, fresh_password=True)
    url = f"/office/clients/{couple.uid}/notes/new/?kind=psychotherapy&template=free"
    page = office.get(url).content.decode()
    assert "Session it follows (optional)" in page
    assert 'name="risk"' not in page

    office.post(url, {"text": "My own impressions.", "appointment": str(session.pk), "sign": ""})

    note = ClinicalNote.objects.get()
    assert note.is_signed
    assert note.appointment == session
    assert note.service == ""


def test_the_to_do_list_and_the_session_page_lead_to_the_note_form(
    signed_in: SignIn, therapist: User, couple: Client, session: Appointment
) -> None:
    office = signed_in(therapist)
    office.post(f"/office/appointments/{session.pk}/outcome/", {"outcome": "attended"})
    link = (
        f"/office/clients/{couple.uid}/notes/new/"
        f"?kind=progress&amp;template=soap&amp;appointment={session.pk}"
    )

    assert link in office.get("/office/").content.decode()
    assert link in office.get(f"/office/appointments/{session.pk}/").content.decode()
