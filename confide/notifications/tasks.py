"""Background jobs that send appointment messages; `manage.py confide_worker` runs them."""

from __future__ import annotations

from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from confide.notifications.emails import appointment_email, recipients
from confide.notifications.events import Audience, Event
from confide.notifications.models import SentMessage
from confide.scheduling.ical import appointment_ics
from confide.scheduling.models import Appointment

# Events whose message brings the person's calendar up to date with the appointment.
_CALENDAR_EVENTS = frozenset({Event.BOOKED, Event.CONFIRMED, Event.RESCHEDULED})
_CANCEL_EVENTS = frozenset({Event.CANCELLED, Event.DECLINED})


def _calendar(appointment: Appointment, event: Event, audience: Audience) -> bytes | None:
    """Return the calendar file to attach, or None when the person should get none."""
    consultation = appointment.consultation
    if audience != Audience.PERSON or consultation is None or not consultation.wants_calendar_file:
        return None
    if event in _CALENDAR_EVENTS:
        return appointment_ics(appointment, now=timezone.now())
    # Cancel only what was put in a calendar: a CANCEL for an unknown UID just confuses clients.
    if (
        event in _CANCEL_EVENTS
        and SentMessage.objects.filter(
            appointment__ical_uid=appointment.ical_uid, audience=Audience.PERSON, with_calendar=True
        ).exists()
    ):
        return appointment_ics(appointment, now=timezone.now(), cancel=True)
    return None


@task()
def send_appointment_message(appointment_id: int, event: str, audience: str) -> str:
    """Send one message about one appointment, once however often the task runs.

    Takes identifiers only: the task row keeps its arguments in clear. Returns what happened,
    in words that name no one.
    """
    appointment = (
        Appointment.objects.select_related("clinician", "consultation")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return "appointment gone"
    event_, audience_ = Event(event), Audience(audience)
    addresses = recipients(appointment, audience_)
    if not addresses:
        return "no address"
    calendar = _calendar(appointment, event_, audience_)
    # Claim before sending: the unique row makes a second run (or a second worker) stop here.
    # The claim commits on its own so no database lock is held while talking to SMTP.
    try:
        with transaction.atomic():
            claim = SentMessage.objects.create(
                appointment=appointment,
                event=event_,
                audience=audience_,
                with_calendar=calendar is not None,
            )
    except IntegrityError:
        return "already sent"
    try:
        messages = [
            appointment_email(
                appointment, event=event_, audience=audience_, calendar=calendar, to=to
            )
            for to in addresses
        ]
        mailers.default.send_messages([m for m in messages if m is not None])
    except BaseException:
        # Release the claim so that running the task again can still send the message.
        claim.delete()
        raise
    return "sent"
