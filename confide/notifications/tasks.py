"""Background jobs that send appointment messages; `manage.py confide_worker` runs them.

An appointment message goes out at least once and is never lost, as reminders do. Delivery is
claim → send → mark: the task claims the message (a unique ``SentMessage`` row, "sending", with
the task's id) in a transaction of its own, hands it to the mail server, then marks it sent. A
worker killed anywhere before the mark leaves the claim "sending" and its task RUNNING; the
sweeper (leases.py) gives the task back, and the same task, run again, sends the message again
with the same Message-ID. Only a kill after the mail server accepted the message and before the
mark makes it arrive twice; no window loses it. The outbox is Confide's own database: its copy
and the mark commit together, so it has no such window. See docs/decisions/0017.
"""

from __future__ import annotations

import contextlib
import logging

from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.tasks import TaskContext, task
from django.utils import timezone

from confide.notifications.emails import appointment_email, message_id, recipients
from confide.notifications.events import Audience, Event
from confide.notifications.models import SentMessage
from confide.notifications.outbox import OutboxBackend
from confide.scheduling.ical import appointment_ics
from confide.scheduling.models import Appointment

logger = logging.getLogger(__name__)

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


@task(takes_context=True)
def send_appointment_message(
    context: TaskContext[[int, str, str, list[int] | None], str],
    appointment_id: int,
    event: str,
    audience: str,
    together: list[int] | None = None,
) -> str:
    """Send one message about one appointment; see appointment_message_send().

    Takes identifiers only: the task row keeps its arguments in clear. ``together`` lists the
    sessions of a series the message tells of, when a series changed in one go.
    """
    return appointment_message_send(
        appointment_id=appointment_id,
        event=Event(event),
        audience=Audience(audience),
        task_id=str(context.task_result.id),
        together=together or [],
    )


def appointment_message_send(
    *,
    appointment_id: int,
    event: Event,
    audience: Audience,
    task_id: str,
    together: list[int] | None = None,
) -> str:
    """Send one message about one appointment, at least once however often its task runs.

    ``task_id`` names the task result that runs it: a claim left "sending" by the same task (a
    run cut short by a dead worker) is sent again with the same Message-IDs, one left by another
    task is not. Returns what happened, in words that name no one.
    """
    appointment = (
        Appointment.objects.select_related("clinician", "consultation")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return "appointment gone"
    addresses = recipients(appointment, audience)
    if not addresses:
        return "no address"
    calendar = _calendar(appointment, event, audience)
    # The claim commits on its own so no database lock is held while talking to SMTP, and so
    # that a run after a crash finds it.
    claim: SentMessage | None = None
    while claim is None:
        try:
            with transaction.atomic():
                claim = SentMessage.objects.create(
                    appointment=appointment,
                    event=event,
                    audience=audience,
                    with_calendar=calendar is not None,
                    claimed_by_task=task_id,
                )
            again = False
        except IntegrityError:
            # None when a failed send released it meanwhile: then claim it afresh.
            claim = SentMessage.objects.filter(
                appointment=appointment, event=event, audience=audience
            ).first()
            if claim is None:
                continue
            if claim.status == SentMessage.Status.SENT:
                return "already sent"
            if claim.claimed_by_task != task_id:
                # A second task for the same message (a duplicate enqueue): the first sends it.
                return "being sent by another task"
            # This task ran before, claimed the message, and its worker stopped before the
            # mark: the mail server may or may not have it, so it goes again, same Message-IDs.
            again = True
            logger.warning(
                "Sending message %s again (appointment %s, task %s): a worker stopped while "
                "sending it; it may arrive twice",
                claim.pk,
                appointment.pk,
                task_id,
            )
    mailer = mailers.default
    in_database = isinstance(mailer, OutboxBackend)
    try:
        messages = [
            appointment_email(
                appointment,
                event=event,
                audience=audience,
                calendar=calendar,
                to=to,
                message_id=message_id(claim.message_key(index)),
                together=together or [],
            )
            for index, to in enumerate(addresses)
        ]
        with transaction.atomic() if in_database else contextlib.nullcontext():
            mailer.send_messages([m for m in messages if m is not None])
            if in_database:
                _mark_sent(claim)
    except BaseException:
        # Release the claim so that running the task again can still send the message.
        claim.delete()
        raise
    if not in_database:
        _mark_sent(claim)
    return "sent again after a worker stopped" if again else "sent"


def _mark_sent(claim: SentMessage) -> None:
    SentMessage.objects.filter(pk=claim.pk).update(
        status=SentMessage.Status.SENT, sent_at=timezone.now()
    )
