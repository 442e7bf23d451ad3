"""Texts about a change a person made through their own link, when they gave no email address.

Someone who booked with only a phone number and allowed texts gets a short text with their
link; with an email address they hear by email instead (``tasks``). The text goes at once,
without waiting for quiet hours or their safe times: it answers what they just did, so they are
on the page that very moment. Changes the office makes are not texted here.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.tasks import TaskContext, task
from django.utils import timezone

from confide.accounts.sessions import AnyUser as Actor
from confide.emails import render_text
from confide.notifications.emails import recipients, reminder_context
from confide.notifications.events import Audience, Event
from confide.notifications.models import SentMessage
from confide.notifications.recipients import appointment_recipients, recipient_zone
from confide.notifications.texts import text_provider
from confide.scheduling.models import Appointment

TEXTED_EVENTS = frozenset({Event.BOOKED, Event.REQUESTED, Event.RESCHEDULED, Event.CANCELLED})


def texted(appointment: Appointment, event: Event) -> list[tuple[str, Any]]:
    """Return (number, zone) of each person who hears of this change by text, if anyone does.

    Only when no email about it goes to the person at all: the text then takes the place of
    that email, and its claim (``SentMessage``) is the email's, so the change is told once.
    """
    if event not in TEXTED_EVENTS or recipients(appointment, Audience.PERSON):
        return []
    return [
        (r.reach.phone, recipient_zone(r, appointment))
        for r in appointment_recipients(appointment)
        if "text" in r.reach.channels()
    ]


def change_text(appointment: Appointment, *, event: Event, tz: Any) -> str:
    """Return the text about a change: when, in the person's zone, and their link; no more."""
    context = reminder_context(appointment, tz) | {"event": event.value}
    return " ".join(render_text("notifications/text/change.txt", context).split())


def change_texted_on_link(
    sender: Any, *, appointment: Appointment, event: Event, actor: Actor | None, **kwargs: Any
) -> None:
    """Queue the text about a change the person made through their link (no ``actor``)."""
    if actor is None and texted(appointment, event):
        send_change_text.enqueue(appointment.pk, event.value)


@task(takes_context=True)
def send_change_text(context: TaskContext[[int, str], str], appointment_id: int, event: str) -> str:
    """Send the texts about one change once, however often the task runs; return what it did.

    A worker that stops after the provider accepted a text and before the mark sends it again
    when the task runs again, as emails do (decision 17); the outbox has no such window.
    """
    appointment = (
        Appointment.objects.select_related("clinician", "consultation")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return "appointment gone"
    change = Event(event)
    numbers = texted(appointment, change)
    if not numbers:
        return "no one to text"
    task_id = str(context.task_result.id)
    try:
        with transaction.atomic():
            claim = SentMessage.objects.create(
                appointment=appointment,
                event=change,
                audience=Audience.PERSON,
                claimed_by_task=task_id,
            )
    except IntegrityError:
        claim = SentMessage.objects.get(
            appointment=appointment, event=change, audience=Audience.PERSON
        )
        if claim.status == SentMessage.Status.SENT or claim.claimed_by_task != task_id:
            return "already sent"
    provider = text_provider()
    try:
        with transaction.atomic():
            for index, (phone, tz) in enumerate(numbers):
                body = change_text(appointment, event=change, tz=tz)
                provider.send(to=phone, body=body, reference=claim.message_key(index))
            if provider.in_database:
                _mark_sent(claim)
    except BaseException:
        claim.delete()
        raise
    _mark_sent(claim)
    return "sent"


def _mark_sent(claim: SentMessage) -> None:
    SentMessage.objects.filter(pk=claim.pk).update(
        status=SentMessage.Status.SENT, sent_at=timezone.now()
    )
