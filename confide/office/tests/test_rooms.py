"""Holding a session from the office: the Join button on Today, the warning when a video session
has no room, the number to call for a phone session, and one session's own room."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.clients.services import PersonDetails, client_create
from confide.office.tests.factories import (
    client_of,
    demo_clinician,
    request_for,
    session_type,
    therapist_user,
)
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

SignIn = Callable[..., HttpClient]
NEW_YORK = ZoneInfo("America/New_York")
ROOM = "https://video.example.org/room/hb-7f3k2q"
OWN_ROOM = "https://rooms.example.org/j/5550142"
# Monday, March 15, 2027, 9:00 AM in New York: Today shows the 15th and the 16th.
NOW = dt.datetime(2027, 3, 15, 9, 0, tzinfo=NEW_YORK)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, 0, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def hannah(demo: None) -> Clinician:
    clinician = demo_clinician()
    clinician.video_room_url = ROOM
    clinician.save(update_fields=["video_room_url"])
    return clinician


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


def book(client: Client, start: dt.datetime, **kwargs: object) -> Appointment:
    kind = session_type(client.clinician)
    values: dict[str, object] = {"format": Appointment.Format.VIDEO, **kwargs}
    return Appointment.objects.create(
        clinician=client.clinician,
        appointment_type=kind,
        start=start,
        end=start + kind.duration,
        client=client,
        **values,
    )


def _couple(clinician: Clinician) -> Client:
    return client_create(
        kind=Client.Kind.COUPLE,
        people=[
            PersonDetails(name="Dana W.", phone="(212) 555-0161", may_call=True, voicemail_ok=True),
            PersonDetails(name="Kit W.", phone="(212) 555-0162", may_call=True),
        ],
        display_name="Dana and Kit",
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
    )


def _today(client: HttpClient) -> str:
    response = client.get("/office/")
    assert response.status_code == 200
    return response.content.decode()


def test_today_has_a_join_button_that_opens_the_room_in_a_new_tab(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    book(sam, _at(15, 14))

    html = _today(signed_in(therapist))

    assert f'href="{ROOM}" target="_blank" rel="noopener noreferrer"' in html
    assert ">Join<" in html


def test_a_sessions_own_room_is_the_one_joined(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    book(sam, _at(15, 14), video_room_url=OWN_ROOM)

    html = _today(signed_in(therapist))

    assert f'href="{OWN_ROOM}"' in html
    assert f'href="{ROOM}"' not in html


def test_every_role_that_sees_the_session_can_join_it(
    signed_in: SignIn,
    owner: User,
    therapist: User,
    practice_manager: User,
    colleague: User,
    hannah: Clinician,
    sam: Client,
) -> None:
    book(sam, _at(15, 14))

    for user in (owner, therapist, practice_manager):
        assert f'href="{ROOM}"' in _today(signed_in(user)), user
    # Another clinician sees neither the session nor its room.
    assert ROOM not in _today(signed_in(colleague))


def test_no_join_button_once_the_session_is_over_or_for_a_request(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    book(sam, _at(15, 7))
    book(sam, _at(16, 14), status=Appointment.Status.REQUESTED)

    assert ROOM not in _today(signed_in(therapist))


def test_today_warns_about_a_video_session_within_a_day_without_a_room(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    soon = book(sam, _at(16, 8))
    later = book(sam, _at(16, 10))

    html = _today(signed_in(therapist))

    assert html.count("No video room set.") == 1
    assert f'href="/office/appointments/{soon.pk}/#room"' in html
    assert f"/office/appointments/{later.pk}/#room" not in html


def test_no_warning_when_the_clinician_has_a_room(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    book(sam, _at(15, 14))

    assert "No video room set" not in _today(signed_in(therapist))


def test_a_phone_session_shows_each_number_and_whether_voicemail_is_ok(
    signed_in: SignIn, therapist: User, hannah: Clinician
) -> None:
    couple = _couple(hannah)
    book(couple, _at(15, 11), format=Appointment.Format.PHONE)
    robin = request_for(hannah, name="Robin", voicemail_ok=False)
    Appointment.objects.create(
        clinician=hannah,
        appointment_type=session_type(hannah),
        format=Appointment.Format.PHONE,
        start=_at(15, 15),
        end=_at(15, 16),
        consultation=robin,
    )

    html = _today(signed_in(therapist))

    assert 'Call Dana W. at <a href="tel:+12125550161">(212) 555-0161</a> · voicemail OK' in html
    assert 'Call Kit W. at <a href="tel:+12125550162">(212) 555-0162</a> · no voicemail' in html
    assert 'Call Robin at <a href="tel:+12125550142">212-555-0142</a> · no voicemail' in html


def test_todays_query_count_does_not_grow_with_its_sessions(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    client = signed_in(therapist)
    book(sam, _at(15, 10), format=Appointment.Format.PHONE)
    book(sam, _at(15, 12))
    _today(client)
    with CaptureQueriesContext(connection) as few:
        _today(client)

    for day, hour in [(15, 14), (15, 16), (16, 8), (16, 10), (16, 12), (16, 14)]:
        if hour % 4 == 0:
            book(_couple(hannah), _at(day, hour), format=Appointment.Format.PHONE)
        else:
            book(sam, _at(day, hour))
    with CaptureQueriesContext(connection) as many:
        html = _today(client)

    assert html.count("Call ") >= 4
    assert len(many) == len(few)


def test_the_appointment_page_shows_the_room_and_a_form_for_its_own(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    appointment = book(sam, _at(15, 14))

    html = signed_in(therapist).get(f"/office/appointments/{appointment.pk}/").content.decode()

    assert f'href="{ROOM}" target="_blank" rel="noopener noreferrer"' in html
    assert "Hannah Brenner&#x27;s room" in html or "Hannah Brenner's room" in html
    assert f'action="/office/appointments/{appointment.pk}/room/"' in html


def test_the_appointment_page_of_a_phone_session_shows_whom_to_call(
    signed_in: SignIn, therapist: User, hannah: Clinician
) -> None:
    appointment = book(_couple(hannah), _at(15, 11), format=Appointment.Format.PHONE)

    html = signed_in(therapist).get(f"/office/appointments/{appointment.pk}/").content.decode()

    assert 'Dana W.: <a href="tel:+12125550161">(212) 555-0161</a> · a voicemail is OK' in html
    assert 'Kit W.: <a href="tel:+12125550162">(212) 555-0162</a> · no voicemail' in html
    assert "Video room" not in html


def test_a_session_gets_its_own_room_and_back(
    signed_in: SignIn, therapist: User, hannah: Clinician, sam: Client
) -> None:
    appointment = book(sam, _at(15, 14))
    client = signed_in(therapist)
    url = f"/office/appointments/{appointment.pk}/room/"

    response = client.post(url, {"video_room_url": OWN_ROOM})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.video_room() == OWN_ROOM
    event = AuditEvent.objects.filter(client_uid=sam.uid, action="change").latest("pk")
    assert "video room" in event.summary
    assert "example.org" not in event.summary

    client.post(url, {"video_room_url": ""})

    appointment.refresh_from_db()
    assert appointment.video_room() == ROOM


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://rooms.example.org/j/1", "starting with https://"),
        ("https://name:pw@rooms.example.org/j/1", "Leave the name and password out"),
        ("not an address", "starting with https://"),
    ],
)
def test_a_bad_room_address_gets_a_message_next_to_the_field(
    signed_in: SignIn, therapist: User, sam: Client, address: str, message: str
) -> None:
    appointment = book(sam, _at(15, 14))

    response = signed_in(therapist).post(
        f"/office/appointments/{appointment.pk}/room/", {"video_room_url": address}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="id_video_room_url_error"' in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.video_room_url == ""


def test_a_phone_session_has_no_room(signed_in: SignIn, therapist: User, sam: Client) -> None:
    appointment = book(sam, _at(15, 14), format=Appointment.Format.PHONE)

    response = signed_in(therapist).post(
        f"/office/appointments/{appointment.pk}/room/", {"video_room_url": OWN_ROOM}
    )

    assert response.status_code == 400
    assert "Only a video session has a room." in response.content.decode()


def test_another_clinician_cannot_set_the_room(
    signed_in: SignIn, colleague: User, sam: Client
) -> None:
    appointment = book(sam, _at(15, 14))

    response = signed_in(colleague).post(
        f"/office/appointments/{appointment.pk}/room/", {"video_room_url": OWN_ROOM}
    )

    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.video_room_url == ""


def test_without_a_room_the_page_links_to_where_the_clinicians_room_is_set(
    signed_in: SignIn, therapist: User, practice_manager: User, sam: Client
) -> None:
    appointment = book(sam, _at(15, 14))
    url = f"/office/appointments/{appointment.pk}/"
    settings_url = f"/office/settings/clinicians/{sam.clinician.pk}/"

    html = signed_in(therapist).get(url).content.decode()
    assert "No video room is set" in html
    assert f'<a href="{settings_url}">the clinician\'s own room</a>' in html
    assert "admin" not in html.split('id="room-heading"')[1].split("</section>")[0]
    assert signed_in(therapist).get(settings_url).status_code == 200

    # A practice manager cannot open a clinician's profile, so is not sent there.
    manager_html = signed_in(practice_manager).get(url).content.decode()
    assert settings_url not in manager_html
    assert "the owner sets it in Settings, under Clinicians" in manager_html
