"""Writes of the notifications app: messages an appointment change causes, reminder settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from confide.notifications.emails import recipient
from confide.notifications.events import AUDIENCE_EVENTS, Audience, Event
from confide.notifications.reminders import reminders_follow, reminders_replan
from confide.notifications.tasks import send_appointment_message
from confide.practice.models import Practice
from confide.practice.services import practice_profile_save
from confide.scheduling.models import Appointment


def appointment_notify(
    *,
    appointment: Appointment,
    event: Event,
    now: dt.datetime | None = None,
    by_clinician: bool = False,
) -> list[Audience]:
    """Queue the messages about an event of an appointment; return who will hear of it.

    Call it inside the transaction that changes the appointment: the task rows and the
    reminders then commit, or roll back, with the change, and the worker never sees a message
    about a booking that failed. For RESCHEDULED pass the new appointment; the earlier one is its
    ``rescheduled_from``, whose reminders are cancelled. ``by_clinician`` says the change was
    made in the office: the clinician needs no notice of what they did. ``now`` is for tests.
    """
    queued: list[Audience] = []
    for audience in Audience:
        if by_clinician and audience == Audience.CLINICIAN:
            continue
        if event in AUDIENCE_EVENTS[audience] and recipient(appointment, audience):
            send_appointment_message.enqueue(appointment.pk, event.value, audience.value)
            queued.append(audience)
    reminders_follow(appointment=appointment, event=event, now=now or timezone.now())
    return queued


def reminder_settings_save(
    *,
    practice: Practice,
    changed: Iterable[str],
    actor: Any,
    request: HttpRequest | None,
    now: dt.datetime | None = None,
) -> int:
    """Save the practice's reminder times and quiet hours, and re-plan the reminders not yet sent.

    One transaction: a worker claiming reminders meanwhile sees the old settings with the old
    times or the new with the new (see reminders_replan). Return how many reminders changed.
    """
    with transaction.atomic():
        practice_profile_save(
            practice=practice,
            changed=changed,
            what="reminder settings",
            actor=actor,
            request=request,
        )
        return reminders_replan(practice=practice, now=now or timezone.now())
