"""The HTML part of an email: one narrow column, the action as a button, readable in the dark."""

from __future__ import annotations

import re

import pytest
from django.core.mail import EmailMultiAlternatives

from confide.emails import site_url
from confide.notifications.emails import agenda_email, appointment_email, reminder_email
from confide.notifications.events import Audience, Event
from confide.notifications.tests.factories import NEW_YORK, appointment_make, new_york
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")


def _html(message: EmailMultiAlternatives | None) -> str:
    assert message is not None
    [(content, _)] = message.alternatives
    return str(content)


def _buttons(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', html)


def _written_out(html: str) -> list[str]:
    return re.findall(r'<p class="address">Or copy this address: <a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def video() -> Appointment:
    return appointment_make(start=new_york("2027-03-16 10:00"))


def test_it_is_one_narrow_column_in_system_fonts_light_or_dark(video: Appointment) -> None:
    html = _html(appointment_email(video, event=Event.BOOKED, audience=Audience.PERSON))

    assert '<meta name="color-scheme" content="light dark">' in html
    assert "@media (prefers-color-scheme: dark)" in html
    assert "max-width: 36em" in html
    assert "font-family: system-ui" in html
    assert "overflow-wrap: anywhere" in html
    assert "<table" not in html


def test_the_persons_actions_are_buttons_with_the_address_beneath(video: Appointment) -> None:
    html = _html(appointment_email(video, event=Event.BOOKED, audience=Audience.PERSON))
    join, manage = site_url(video.get_join_url()), site_url(video.get_manage_url())

    assert _buttons(html) == [(join, "Join by video"), (manage, "See, move or cancel")]
    assert _written_out(html) == [join, manage]


def test_a_cancellation_offers_the_page_as_its_one_action(video: Appointment) -> None:
    html = _html(appointment_email(video, event=Event.CANCELLED, audience=Audience.PERSON))

    assert _buttons(html) == [(site_url(video.get_manage_url()), "Open the page")]


def test_the_clinicians_notice_and_agenda_open_the_office(video: Appointment) -> None:
    notice = _html(appointment_email(video, event=Event.BOOKED, audience=Audience.CLINICIAN))
    agenda = _html(
        agenda_email([video], tz=NEW_YORK, day=video.start.date(), to="hb@example.org", key="k")
    )

    assert [label for _, label in _buttons(notice)] == ["Open the office"]
    assert [label for _, label in _buttons(agenda)] == ["Open the office"]
    # The agenda opens that day in the office's own calendar, never the admin.
    [(agenda_url, _)] = _buttons(agenda)
    assert agenda_url == site_url("/office/calendar/?date=2027-03-16&amp;view=day")


def test_a_reminder_keeps_its_join_and_manage_buttons(video: Appointment) -> None:
    html = _html(reminder_email(video, tz=NEW_YORK, to="zq@example.org", key="k"))

    assert [label for _, label in _buttons(html)] == ["Join by video", "See, move or cancel"]


def test_the_plain_text_part_keeps_the_bare_addresses(video: Appointment) -> None:
    message = appointment_email(video, event=Event.BOOKED, audience=Audience.PERSON)
    assert message is not None

    text = str(message.body)
    assert "<" not in text
    assert f"To see, move or cancel it:\n{site_url(video.get_manage_url())}" in text
