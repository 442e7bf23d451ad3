"""Appointment messages are discreet: neutral subject and first line, no note, no therapy words."""

from __future__ import annotations

import re

import pytest
from django.core.mail import EmailMultiAlternatives

from confide.emails import site_url
from confide.notifications.emails import appointment_email, short_when
from confide.notifications.events import AUDIENCE_EVENTS, Audience, Event
from confide.notifications.tests.factories import (
    FORBIDDEN_WORDS,
    NAME,
    NEW_YORK,
    NOTE_CANARY,
    TYPE_NAME,
    appointment_make,
    new_york,
    words_outside_links,
)
from confide.practice.models import Practice
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")

FORMATS = list(Appointment.Format)
PAIRS = [(a, e) for a in Audience for e in Event if e in AUDIENCE_EVENTS[a]]

FIRST_LINES = {
    (Audience.PERSON, Event.BOOKED): "Your appointment is booked for Tue, Mar 16, 10:00 AM EDT.",
    (Audience.PERSON, Event.REQUESTED): "Your request for Tue, Mar 16, 10:00 AM EDT has arrived.",
    (
        Audience.PERSON,
        Event.CONFIRMED,
    ): "Your appointment on Tue, Mar 16, 10:00 AM EDT is confirmed.",
    (Audience.PERSON, Event.DECLINED): (
        "The time you asked for, Tue, Mar 16, 10:00 AM EDT, cannot be offered."
    ),
    (
        Audience.PERSON,
        Event.RESCHEDULED,
    ): "Your appointment has moved to Tue, Mar 16, 10:00 AM EDT.",
    (
        Audience.PERSON,
        Event.CANCELLED,
    ): "Your appointment on Tue, Mar 16, 10:00 AM EDT is cancelled.",
    (Audience.CLINICIAN, Event.BOOKED): "New appointment on Tue, Mar 16, 10:00 AM EDT.",
    (Audience.CLINICIAN, Event.REQUESTED): "New request for Tue, Mar 16, 10:00 AM EDT.",
    (Audience.CLINICIAN, Event.RESCHEDULED): "An appointment moved to Tue, Mar 16, 10:00 AM EDT.",
    (Audience.CLINICIAN, Event.CANCELLED): "Appointment cancelled: Tue, Mar 16, 10:00 AM EDT.",
}
SUBJECTS = {
    (Audience.PERSON, Event.BOOKED): "Your appointment on Tue, Mar 16, 10:00 AM",
    (Audience.PERSON, Event.REQUESTED): "Your request for Tue, Mar 16, 10:00 AM",
    (Audience.PERSON, Event.CONFIRMED): "Your appointment on Tue, Mar 16, 10:00 AM is confirmed",
    (Audience.PERSON, Event.DECLINED): "About your request for Tue, Mar 16, 10:00 AM",
    (Audience.PERSON, Event.RESCHEDULED): "Your appointment has moved to Tue, Mar 16, 10:00 AM",
    (Audience.PERSON, Event.CANCELLED): "Your appointment on Tue, Mar 16, 10:00 AM is cancelled",
    (Audience.CLINICIAN, Event.BOOKED): "New appointment on Tue, Mar 16, 10:00 AM",
    (Audience.CLINICIAN, Event.REQUESTED): "New request for Tue, Mar 16, 10:00 AM",
    (Audience.CLINICIAN, Event.RESCHEDULED): "Appointment moved to Tue, Mar 16, 10:00 AM",
    (Audience.CLINICIAN, Event.CANCELLED): "Appointment cancelled: Tue, Mar 16, 10:00 AM",
}


def _email(
    audience: Audience, event: Event, fmt: Appointment.Format = Appointment.Format.VIDEO
) -> tuple[Appointment, EmailMultiAlternatives]:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), fmt=fmt)
    message = appointment_email(appointment, event=event, audience=audience)
    assert message is not None
    return appointment, message


def _html(message: EmailMultiAlternatives) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def _secrets_absent(text: str) -> None:
    lowered = words_outside_links(text)
    for word in [*FORBIDDEN_WORDS, Practice.load().name.lower(), TYPE_NAME.lower()]:
        assert word not in lowered, word
    assert NOTE_CANARY not in text
    assert NAME not in text
    assert "Zelda" not in text


def test_the_pairs_cover_every_message_there_is() -> None:
    assert len(PAIRS) == len(FIRST_LINES) == len(SUBJECTS) == 10


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("audience", "event"), PAIRS)
def test_it_keeps_every_message_discreet(
    audience: Audience, event: Event, fmt: Appointment.Format
) -> None:
    _, message = _email(audience, event, fmt)
    text, html = str(message.body), _html(message)

    assert message.subject == SUBJECTS[audience, event]
    assert text.splitlines()[0] == FIRST_LINES[audience, event]
    for part in (str(message.subject), text, html):
        _secrets_absent(part)
    # Nothing loads from anywhere: no images, pixels, style sheets or scripts; the one inline
    # <style> block fetches nothing either.
    assert not re.search(r"<(img|link|script|iframe)\b|background=|src=", html, re.I)
    assert html.count("<style>") == 1
    assert not re.search(r"url\(|@import|@font-face", html, re.I)


@pytest.mark.parametrize(("audience", "event"), PAIRS)
def test_it_links_only_to_the_sites_own_manage_page_or_office(
    audience: Audience, event: Event
) -> None:
    appointment, message = _email(audience, event)
    allowed = (
        [site_url(appointment.get_manage_url())]
        if audience == Audience.PERSON
        else [site_url("/office/")]
    )
    if audience == Audience.PERSON and event not in (Event.CANCELLED, Event.DECLINED):
        # A confirmed video session: its join link comes first, with how it happens.
        allowed.insert(0, site_url(appointment.get_join_url()))
    text, html = str(message.body), _html(message)

    assert re.findall(r"https?://\S+", text) == allowed
    assert set(re.findall(r'href="([^"]*)"', html)) == set(allowed)
    assert not any("?" in link for link in allowed)


@pytest.mark.parametrize(
    ("fmt", "says"),
    [
        (Appointment.Format.PHONE, "We will call you at the number you gave."),
        (Appointment.Format.VIDEO, "How: by video. From 15 minutes before the start, join here:"),
        (Appointment.Format.IN_PERSON, "Where: 88 Larkin Place, Suite 4C, New York, NY 10011"),
    ],
)
@pytest.mark.parametrize(
    "event", [Event.BOOKED, Event.REQUESTED, Event.CONFIRMED, Event.RESCHEDULED]
)
def test_it_tells_the_person_how_the_appointment_happens(
    fmt: Appointment.Format, says: str, event: Event
) -> None:
    _, message = _email(Audience.PERSON, event, fmt)

    assert says in str(message.body)
    assert says in _html(message)


def test_a_video_request_waiting_for_confirmation_has_no_join_link_yet() -> None:
    appointment = appointment_make(
        start=new_york("2027-03-16 10:00"), status=Appointment.Status.REQUESTED
    )
    message = appointment_email(appointment, event=Event.REQUESTED, audience=Audience.PERSON)
    assert message is not None

    assert "How: by video. The link to join comes with the confirmation." in str(message.body)
    assert "/join" not in str(message.body) + _html(message)


def test_it_states_the_time_and_zone_of_the_clinician() -> None:
    _, message = _email(Audience.PERSON, Event.BOOKED)

    assert "When: Tuesday, March 16, 2027, 10:00 AM to 10:50 AM EDT (New York time)" in str(
        message.body
    )


def test_it_uses_standard_time_before_the_change() -> None:
    appointment = appointment_make(start=new_york("2027-03-12 10:00"))
    message = appointment_email(appointment, event=Event.BOOKED, audience=Audience.PERSON)

    assert message is not None
    assert message.subject == "Your appointment on Fri, Mar 12, 10:00 AM"
    assert str(message.body).startswith("Your appointment is booked for Fri, Mar 12, 10:00 AM EST.")


def test_it_gives_the_person_the_manage_link_and_the_late_cancellation_phone() -> None:
    appointment, message = _email(Audience.PERSON, Event.BOOKED)

    assert site_url(appointment.get_manage_url()) in str(message.body)
    assert "Less than 24 hours before the time, please call (212) 555-0147 instead." in str(
        message.body
    )


def test_it_names_the_earlier_time_of_a_moved_appointment() -> None:
    earlier = appointment_make(start=new_york("2027-03-09 15:30"))
    moved = appointment_make(start=new_york("2027-03-16 10:00"))
    earlier.status = Appointment.Status.RESCHEDULED
    earlier.rescheduled_to = moved
    earlier.save()
    moved.refresh_from_db()

    to_person = appointment_email(moved, event=Event.RESCHEDULED, audience=Audience.PERSON)
    to_clinician = appointment_email(moved, event=Event.RESCHEDULED, audience=Audience.CLINICIAN)

    assert to_person is not None
    assert to_clinician is not None
    assert "The earlier time, Tue, Mar 9, 3:30 PM, is no longer booked for you." in str(
        to_person.body
    )
    assert "It was on Tue, Mar 9, 3:30 PM; that time is free again." in str(to_clinician.body)


def test_it_gives_the_clinician_initials_length_and_the_office_only() -> None:
    _, message = _email(Audience.CLINICIAN, Event.BOOKED)

    assert message.to == ["hb-notices@example.org"]
    assert "Who: Z.Q. (initials only" in str(message.body)
    assert "Length: 50 min" in str(message.body)
    assert site_url("/office/") in str(message.body)


def test_it_sends_nothing_to_a_person_without_an_email() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), email="")

    assert appointment_email(appointment, event=Event.BOOKED, audience=Audience.PERSON) is None


def test_it_sends_nothing_to_a_clinician_without_a_notice_address() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), notify_email="")

    assert appointment_email(appointment, event=Event.BOOKED, audience=Audience.CLINICIAN) is None


def test_it_does_not_escape_plain_text() -> None:
    practice = Practice.load()
    practice.address = "88 Larkin Place, Suite 4C & 4D\nNew York, NY 10011"
    practice.save()
    _, message = _email(Audience.PERSON, Event.BOOKED, Appointment.Format.IN_PERSON)

    assert "Suite 4C & 4D, New York" in str(message.body)
    assert "Suite 4C &amp; 4D" in _html(message)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2027-03-16 00:05", "Tue, Mar 16, 12:05 AM"),
        ("2027-03-16 12:00", "Tue, Mar 16, 12:00 PM"),
        ("2027-11-07 01:30", "Sun, Nov 7, 1:30 AM"),
        ("2027-12-31 23:45", "Fri, Dec 31, 11:45 PM"),
    ],
)
def test_short_when_reads_like_a_calendar(local: str, expected: str) -> None:
    assert short_when(new_york(local), NEW_YORK) == expected
