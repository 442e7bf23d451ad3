"""No message and no calendar file holds a video room's address; the person's carry the join
link instead, which opens the room only while the session is on."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from confide.emails import TEMPLATE_DIR, site_url
from confide.notifications.emails import (
    agenda_email,
    appointment_email,
    reminder_email,
    reminder_text,
)
from confide.notifications.events import AUDIENCE_EVENTS, Audience
from confide.notifications.tests.factories import appointment_make, new_york
from confide.scheduling.ical import appointment_ics, clinician_feed_ics
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")

CLINICIANS_ROOM = "https://video.example.org/room/hb-7f3k2q"
SESSIONS_ROOM = "https://rooms.example.org/j/5550142?pwd=k3yq"
# Parts of either address a template could show on their own.
ROOM_PARTS = ["video.example.org", "rooms.example.org", "hb-7f3k2q", "5550142", "k3yq"]
# Account emails to staff (a reset link, a removed second factor) concern no appointment.
NOT_ABOUT_APPOINTMENTS = ("staff-",)


def _video_session(*, own_room: bool) -> Appointment:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    appointment.clinician.video_room_url = CLINICIANS_ROOM
    appointment.clinician.save(update_fields=["video_room_url"])
    if own_room:
        appointment.video_room_url = SESSIONS_ROOM
        appointment.save(update_fields=["video_room_url"])
    return appointment


def _email_text(message: EmailMultiAlternatives) -> str:
    parts = [str(message.subject), str(message.body), str(message.extra_headers)]
    parts += [str(content) for content, _ in message.alternatives]
    parts += [
        (content.decode() if isinstance(content, bytes) else str(content))
        for _, content, _ in message.attachments
    ]
    return "\n".join(parts)


def _outbound(appointment: Appointment) -> dict[str, str]:
    """Render every message and calendar file there is for the appointment, by name."""
    now = new_york("2027-03-10 12:00")
    tz = appointment.clinician.tz()
    rendered: dict[str, str] = {}
    for audience in Audience:
        for event in AUDIENCE_EVENTS[audience]:
            calendar = (
                appointment_ics(appointment, now=now) if audience == Audience.PERSON else None
            )
            message = appointment_email(
                appointment, event=event, audience=audience, calendar=calendar
            )
            assert message is not None, (audience, event)
            rendered[f"{audience}-{event}"] = _email_text(message)
    rendered["person-reminder"] = _email_text(
        reminder_email(appointment, tz=tz, to="zq@example.org", key="r1")
    )
    rendered["text-reminder"] = reminder_text(appointment, tz=tz)
    rendered["clinician-agenda"] = _email_text(
        agenda_email(
            [appointment], tz=tz, day=appointment.start.date(), to="hb@example.org", key="a1"
        )
    )
    rendered["calendar-file"] = appointment_ics(appointment, now=now).decode()
    rendered["calendar-cancel"] = appointment_ics(appointment, now=now, cancel=True).decode()
    rendered["calendar-feed"] = clinician_feed_ics([appointment], tz=tz, now=now).decode()
    return rendered


def test_every_appointment_email_template_is_rendered_here() -> None:
    folder = Path(settings.BASE_DIR) / "templates" / TEMPLATE_DIR
    kinds = {
        path.name.removesuffix("-subject.txt")
        for path in folder.glob("*-subject.txt")
        if not path.name.startswith(NOT_ABOUT_APPOINTMENTS)
    }

    assert kinds <= set(_outbound(_video_session(own_room=False)))


@pytest.mark.parametrize("own_room", [False, True], ids=["clinicians-room", "sessions-room"])
def test_no_message_or_calendar_file_holds_the_room(own_room: bool) -> None:
    appointment = _video_session(own_room=own_room)
    assert appointment.video_room() == (SESSIONS_ROOM if own_room else CLINICIANS_ROOM)

    for name, text in _outbound(appointment).items():
        # Calendar lines fold at 75 octets; unfold before looking.
        unfolded = text.replace("\r\n ", "")
        for part in ROOM_PARTS:
            assert part not in unfolded, (name, part)


def test_the_persons_messages_about_a_video_session_carry_its_join_link() -> None:
    appointment = _video_session(own_room=True)
    join = site_url(appointment.get_join_url())
    rendered = _outbound(appointment)

    for name in [
        "person-booked",
        "person-confirmed",
        "person-rescheduled",
        "person-reminder",
        "text-reminder",
    ]:
        assert join in rendered[name], name
    assert join not in rendered["person-cancelled"]
    assert "/join" not in rendered["calendar-file"].replace("\r\n ", "")
