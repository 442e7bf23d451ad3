"""The join link of a video session: open from 15 minutes before the start until the end, and
the room's address nowhere but in that one redirect."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from confide.accounts.testing import sign_in
from confide.clients.models import ConsultationRequest
from confide.practice.models import Clinician, validate_room_url
from confide.scheduling.changes import ChangePolicy, appointment_move
from confide.scheduling.ical import appointment_ics, clinician_feed_ics
from confide.scheduling.models import Appointment, AppointmentType, JoinState
from confide.scheduling.tests.conftest import utc

pytestmark = pytest.mark.django_db

ROOM = "https://video.example.org/room/hb-7f3k2q"
OWN_ROOM = "https://rooms.example.org/j/555-0142?pwd=k3yq"
# Monday, March 15, 2027, 2:00 PM in New York (EDT, UTC-4), 50 minutes.
START = utc("2027-03-15 18:00")
END = START + dt.timedelta(minutes=50)
S = dt.timedelta(seconds=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Fix the time every view reads: ``clock(moment)``."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def room(clinician: Clinician) -> str:
    clinician.video_room_url = ROOM
    clinician.save(update_fields=["video_room_url"])
    return ROOM


def _appointment(
    kind: AppointmentType,
    *,
    fmt: str = Appointment.Format.VIDEO,
    status: str = Appointment.Status.CONFIRMED,
    start: dt.datetime = START,
    time_zone: str = "America/Los_Angeles",
) -> Appointment:
    consultation = ConsultationRequest.objects.create(
        clinician=kind.clinician,
        name="Quinn",
        email="quinn@example.org",
        phone="(212) 555-0147",
        may_call=True,
        voicemail_ok=True,
        time_zone=time_zone,
    )
    return Appointment.objects.create(
        clinician=kind.clinician,
        appointment_type=kind,
        format=fmt,
        start=start,
        end=start + dt.timedelta(minutes=50),
        status=status,
        consultation=consultation,
    )


def _join(appointment: Appointment) -> str:
    return appointment.get_join_url()


# -- The window, as a table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (START - dt.timedelta(hours=20), JoinState.EARLY),
        (START - dt.timedelta(minutes=15) - S, JoinState.EARLY),
        (START - dt.timedelta(minutes=15), JoinState.OPEN),
        (START - dt.timedelta(minutes=14, seconds=59), JoinState.OPEN),
        (START, JoinState.OPEN),
        (END - S, JoinState.OPEN),
        (END, JoinState.OVER),
        (END + dt.timedelta(days=3), JoinState.OVER),
    ],
)
def test_the_room_opens_15_minutes_before_the_start_and_closes_at_the_end(
    first_session: AppointmentType, room: str, now: dt.datetime, state: JoinState
) -> None:
    assert _appointment(first_session).join_state(now=now) == state


@pytest.mark.parametrize(
    ("fmt", "status", "state"),
    [
        ("phone", "confirmed", JoinState.NOT_VIDEO),
        ("in_person", "confirmed", JoinState.NOT_VIDEO),
        ("video", "requested", JoinState.NOT_CONFIRMED),
        ("video", "cancelled", JoinState.CANCELLED),
        ("video", "declined", JoinState.CANCELLED),
        # Marked while it runs, so a dropped connection can come back.
        ("video", "completed", JoinState.OPEN),
        ("video", "no_show", JoinState.OPEN),
    ],
)
def test_only_a_video_session_that_takes_place_opens_a_room(
    first_session: AppointmentType, room: str, fmt: str, status: str, state: JoinState
) -> None:
    appointment = _appointment(first_session, fmt=fmt, status=status)

    assert appointment.join_state(now=START) == state


def test_an_appointments_own_room_wins_over_the_clinicians(
    first_session: AppointmentType, room: str
) -> None:
    appointment = _appointment(first_session)
    assert appointment.video_room() == ROOM

    appointment.video_room_url = OWN_ROOM

    assert appointment.video_room() == OWN_ROOM


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("https://video.example.org/room/abc", True),
        ("https://meet.example.org/Confide-Room-12?pwd=x", True),
        ("http://video.example.org/room/abc", False),
        # The visitor's own machine is never the practice's room.
        ("http://localhost:8443/room", False),
        ("https://name:secret@video.example.org/room", False),
        ("https:///no-host", False),
        ("javascript:alert(1)", False),
        ("video.example.org/room", False),
    ],
)
def test_a_room_address_must_be_https_with_a_host_and_no_password(
    address: str, accepted: bool
) -> None:
    field = Clinician._meta.get_field("video_room_url")
    if accepted:
        validate_room_url(address)
        field.run_validators(address)
    else:
        with pytest.raises(ValidationError):
            field.run_validators(address)


# -- The join link ------------------------------------------------------------------------------


def test_the_join_link_answers_without_a_slash_and_redirects_to_the_room_when_open(
    client: Client, first_session: AppointmentType, room: str, clock: Callable[..., None]
) -> None:
    appointment = _appointment(first_session)
    url = _join(appointment)
    assert url == f"/appointment/{appointment.manage_token()}/join"
    clock(START - dt.timedelta(minutes=14, seconds=59))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == ROOM
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_join_link_with_a_slash_leads_to_the_one_without(
    client: Client, first_session: AppointmentType
) -> None:
    appointment = _appointment(first_session)

    response = client.get(_join(appointment) + "/")

    assert response.status_code == 301
    assert response["Location"] == _join(appointment)


def test_just_before_the_window_it_says_when_the_room_opens_in_the_persons_zone(
    client: Client, first_session: AppointmentType, room: str, clock: Callable[..., None]
) -> None:
    appointment = _appointment(first_session)
    clock(START - dt.timedelta(minutes=15) - S)

    response = client.get(_join(appointment))

    html = response.content.decode()
    assert response.status_code == 200
    assert "It isn't time to join yet" in html
    # Booked from Los Angeles: 2:00 PM in New York is 11:00 AM there; the room opens 10:45.
    assert "10:45 AM</strong> on Monday, March 15" in html
    assert "Pacific time" in html or "Los Angeles" in html
    assert ROOM not in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_a_zone_in_the_link_wins_over_the_one_booked_in(
    client: Client, first_session: AppointmentType, clock: Callable[..., None]
) -> None:
    appointment = _appointment(first_session)
    clock(START - dt.timedelta(hours=1))

    html = client.get(_join(appointment) + "?tz=America/New_York").content.decode()

    assert "1:45 PM</strong>" in html


def test_exactly_at_the_end_the_session_is_over(
    client: Client, first_session: AppointmentType, room: str, clock: Callable[..., None]
) -> None:
    appointment = _appointment(first_session)
    clock(END - S)
    assert client.get(_join(appointment)).status_code == 302

    clock(END)
    response = client.get(_join(appointment))

    assert response.status_code == 200
    assert "This session is over" in response.content.decode()
    assert ROOM not in response.content.decode()


@pytest.mark.parametrize(
    ("fmt", "status", "says"),
    [
        ("video", "cancelled", "This appointment was cancelled"),
        ("video", "requested", "Your appointment isn't confirmed yet"),
        ("phone", "confirmed", "It's by phone"),
        ("in_person", "confirmed", "It's in person"),
    ],
)
def test_a_session_without_a_room_to_open_says_why_calmly(
    client: Client,
    first_session: AppointmentType,
    room: str,
    clock: Callable[..., None],
    fmt: str,
    status: str,
    says: str,
) -> None:
    appointment = _appointment(first_session, fmt=fmt, status=status)
    clock(START)

    response = client.get(_join(appointment))

    assert response.status_code == 200
    assert says in response.content.decode()
    assert ROOM not in response.content.decode()


def test_without_a_room_set_it_says_the_practice_will_be_in_touch(
    client: Client, first_session: AppointmentType, clock: Callable[..., None]
) -> None:
    appointment = _appointment(first_session)
    clock(START)

    html = client.get(_join(appointment)).content.decode()

    assert "The video room isn't ready yet" in html
    assert "will be in touch" in html


def test_a_moved_appointments_old_link_says_where_it_went(
    client: Client, first_session: AppointmentType, room: str, clock: Callable[..., None]
) -> None:
    old = _appointment(first_session)
    appointment_move(
        appointment=old,
        start=START + dt.timedelta(days=1),
        now=START - dt.timedelta(days=5),
        policy=ChangePolicy.OFFICE,
    )
    clock(START)

    html = client.get(_join(old)).content.decode()

    assert "This appointment has moved" in html
    assert "Tuesday, March 16" in html


def test_a_wrong_token_is_not_found(client: Client, first_session: AppointmentType) -> None:
    token = _appointment(first_session).manage_token()

    assert client.get(f"/appointment/{token}x/join").status_code == 404
    assert client.get("/appointment/nothing/join").status_code == 404


def test_the_join_link_only_reads(client: Client, first_session: AppointmentType) -> None:
    assert client.post(_join(_appointment(first_session))).status_code == 405


def test_the_token_decides_not_who_follows_it(
    first_session: AppointmentType,
    room: str,
    clock: Callable[..., None],
    owner: object,
    colleague: object,
    practice_manager: object,
    stranger: object,
) -> None:
    appointment = _appointment(first_session)
    clock(START)
    clients = [Client()] + [
        sign_in(Client(), user)  # type: ignore[arg-type]
        for user in (owner, colleague, practice_manager, stranger)
    ]

    for visitor in clients:
        response = visitor.get(_join(appointment))
        assert (response.status_code, response["Location"]) == (302, ROOM)
        assert visitor.get(_join(appointment).replace("/join", "x/join")).status_code == 404


def test_no_log_line_holds_the_room(
    client: Client,
    first_session: AppointmentType,
    room: str,
    clock: Callable[..., None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    appointment = _appointment(first_session)
    clock(START)

    with caplog.at_level(logging.DEBUG):
        client.get(_join(appointment))
        client.get(_join(appointment) + "/")

    assert ROOM not in caplog.text
    assert "video.example.org" not in caplog.text


# -- Nowhere else -------------------------------------------------------------------------------


def test_the_public_pages_of_an_appointment_never_show_the_room(
    client: Client, first_session: AppointmentType, room: str, clock: Callable[..., None]
) -> None:
    appointment = _appointment(first_session)
    appointment.video_room_url = OWN_ROOM
    appointment.save()
    token = appointment.manage_token()
    clock(START)

    for url in [
        f"/booked/{token}/",
        f"/appointment/{token}/",
        f"/appointment/{token}/cancel/",
        f"/appointment/{token}/move/",
    ]:
        html = client.get(url).content.decode()
        assert "example.org/room" not in html, url
        assert "rooms.example.org" not in html, url
    # The manage page leads to the join link instead.
    assert (
        f'href="/appointment/{token}/join?tz='
        in client.get(f"/appointment/{token}/").content.decode()
    )


def test_no_calendar_file_holds_the_room(
    client: Client, first_session: AppointmentType, room: str
) -> None:
    appointment = _appointment(first_session)
    appointment.video_room_url = OWN_ROOM
    appointment.save()
    clinician = appointment.clinician
    now = START - dt.timedelta(days=2)

    files = [
        appointment_ics(appointment, now=now),
        appointment_ics(appointment, now=now, cancel=True),
        clinician_feed_ics([appointment], tz=clinician.tz(), now=now),
        client.get(f"/appointment/{appointment.manage_token()}/calendar.ics").content,
        client.get(f"/calendar/{clinician.calendar_token}.ics").content,
    ]

    for body in files:
        # Calendar lines fold at 75 octets; unfold before looking.
        text = body.decode().replace("\r\n ", "")
        assert "BEGIN:VCALENDAR" in text
        assert ROOM not in text
        assert OWN_ROOM not in text
        assert "example.org/room" not in text
        assert "rooms.example.org" not in text
