"""Appointment messages go out once, through the task queue, with a calendar file when asked."""

from __future__ import annotations

import logging
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar
from pytest_django.fixtures import Settings

from confide.notifications.emails import message_id
from confide.notifications.events import Audience, Event
from confide.notifications.models import OutboxMessage, SentMessage
from confide.notifications.services import appointment_notify
from confide.notifications.tasks import send_appointment_message
from confide.notifications.tests.factories import (
    NOTE_CANARY,
    appointment_make,
    message_task_run,
    new_york,
)
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")


def _send(
    appointment: Appointment,
    event: Event,
    audience: Audience = Audience.PERSON,
    *,
    task: TaskResult[Any, str] | None = None,
) -> str:
    return message_task_run(appointment.pk, event.value, audience.value, task=task)


def _task(appointment: Appointment, event: Event, audience: Audience = Audience.PERSON) -> Any:
    return send_appointment_message.enqueue(appointment.pk, event.value, audience.value)


def _message_ids() -> list[str]:
    return [m.extra_headers["Message-ID"] for m in mail.outbox]


def _left_sending(appointment: Appointment, task: TaskResult[Any, str]) -> SentMessage:
    """Return the claim as a worker killed before the mark leaves it: sending, by ``task``."""
    return SentMessage.objects.create(
        appointment=appointment,
        event=Event.BOOKED,
        audience=Audience.PERSON,
        claimed_by_task=str(task.id),
    )


def _calendar_of(message: mail.EmailMessage) -> Calendar | None:
    files = [a for a in message.attachments if isinstance(a, tuple) and a[2] == "text/calendar"]
    if not files:
        return None
    [(filename, content, _)] = files
    assert filename == "appointment.ics"
    return Calendar.from_ical(content)


def test_it_sends_once_when_the_task_runs_twice() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    first = _send(appointment, Event.BOOKED)
    second = _send(appointment, Event.BOOKED)

    assert (first, second) == ("sent", "already sent")
    assert len(mail.outbox) == 1
    assert SentMessage.objects.filter(appointment=appointment).count() == 1


def test_it_sends_each_event_and_audience_once() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    for _ in range(2):
        _send(appointment, Event.REQUESTED, Audience.PERSON)
        _send(appointment, Event.REQUESTED, Audience.CLINICIAN)
        _send(appointment, Event.CONFIRMED, Audience.PERSON)

    assert sorted(m.subject for m in mail.outbox) == [
        "New request for Tue, Mar 16, 10:00 AM",
        "Your appointment on Tue, Mar 16, 10:00 AM is confirmed",
        "Your request for Tue, Mar 16, 10:00 AM",
    ]


def test_it_marks_the_message_sent_once_the_mail_server_took_it() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    task = _task(appointment, Event.BOOKED)

    assert _send(appointment, Event.BOOKED, task=task) == "sent"

    claim = SentMessage.objects.get()
    assert (claim.status, claim.claimed_by_task) == (SentMessage.Status.SENT, str(task.id))
    assert claim.sent_at is not None
    assert _message_ids() == [message_id(f"{claim.key}.0")]


def test_a_claim_left_sending_by_the_same_task_is_sent_with_its_message_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The worker died before the mail server took the message: without a second send it is lost.
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    task = _task(appointment, Event.BOOKED)
    claim = _left_sending(appointment, task)

    with caplog.at_level(logging.WARNING, logger="confide.notifications.tasks"):
        outcome = _send(appointment, Event.BOOKED, task=task)

    assert outcome == "sent again after a worker stopped"
    assert _message_ids() == [message_id(f"{claim.key}.0")]
    claim.refresh_from_db()
    assert claim.status == SentMessage.Status.SENT
    [record] = caplog.records
    assert str(task.id) in record.getMessage()
    assert "zq@example.org" not in record.getMessage()


def test_a_message_sent_before_the_mark_goes_again_with_the_same_message_id() -> None:
    # The worker died after the mail server took the message and before the mark: the one
    # window in which it arrives twice, recognisably the same message.
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    task = _task(appointment, Event.BOOKED)
    assert _send(appointment, Event.BOOKED, task=task) == "sent"
    SentMessage.objects.update(status=SentMessage.Status.SENDING, sent_at=None)

    assert _send(appointment, Event.BOOKED, task=task) == "sent again after a worker stopped"

    first, second = _message_ids()
    assert first == second
    assert mail.outbox[0].subject == mail.outbox[1].subject


def test_a_claim_left_sending_by_another_task_is_not_sent() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    claim = _left_sending(appointment, _task(appointment, Event.BOOKED))

    assert _send(appointment, Event.BOOKED) == "being sent by another task"

    assert mail.outbox == []
    claim.refresh_from_db()
    assert claim.status == SentMessage.Status.SENDING


@pytest.mark.parametrize("same_task", [True, False])
def test_a_sent_message_is_never_sent_again(same_task: bool) -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    task = _task(appointment, Event.BOOKED)
    _send(appointment, Event.BOOKED, task=task)

    assert _send(appointment, Event.BOOKED, task=task if same_task else None) == "already sent"

    assert len(mail.outbox) == 1


def test_a_failed_send_can_be_tried_again() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError,
        ),
        pytest.raises(ConnectionRefusedError),
    ):
        _send(appointment, Event.BOOKED)

    assert not SentMessage.objects.exists()
    assert _send(appointment, Event.BOOKED) == "sent"
    assert len(mail.outbox) == 1


def test_a_failed_send_again_releases_the_claim() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    task = _task(appointment, Event.BOOKED)
    _left_sending(appointment, task)

    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError,
        ),
        pytest.raises(ConnectionRefusedError),
    ):
        _send(appointment, Event.BOOKED, task=task)

    assert not SentMessage.objects.exists()
    assert _send(appointment, Event.BOOKED) == "sent"


def test_it_skips_a_person_without_an_email() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), email="")

    assert _send(appointment, Event.BOOKED) == "no address"
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("event", "method"),
    [(Event.BOOKED, "PUBLISH"), (Event.CONFIRMED, "PUBLISH"), (Event.RESCHEDULED, "PUBLISH")],
)
def test_it_attaches_a_calendar_file_when_the_person_asked(event: Event, method: str) -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), wants_calendar_file=True)

    _send(appointment, event)

    calendar = _calendar_of(mail.outbox[0])
    assert calendar is not None
    assert calendar["METHOD"] == method
    [vevent] = calendar.events
    assert vevent["UID"] == appointment.ical_uid
    assert vevent["SUMMARY"] == "Appointment"


def test_it_attaches_no_calendar_file_unless_asked() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    _send(appointment, Event.BOOKED)

    assert _calendar_of(mail.outbox[0]) is None


def test_it_never_attaches_a_calendar_file_to_the_clinicians_notice() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), wants_calendar_file=True)

    _send(appointment, Event.BOOKED, Audience.CLINICIAN)

    assert _calendar_of(mail.outbox[0]) is None


def test_it_cancels_in_the_calendar_what_it_put_there() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), wants_calendar_file=True)
    _send(appointment, Event.BOOKED)
    appointment.status = Appointment.Status.CANCELLED
    appointment.ical_sequence += 1
    appointment.save()

    _send(appointment, Event.CANCELLED)

    calendar = _calendar_of(mail.outbox[1])
    assert calendar is not None
    assert calendar["METHOD"] == "CANCEL"
    [vevent] = calendar.events
    assert (vevent["STATUS"], vevent["SEQUENCE"]) == ("CANCELLED", 1)
    assert vevent["UID"] == appointment.ical_uid


def test_it_sends_no_cancellation_for_a_calendar_it_never_sent() -> None:
    appointment = appointment_make(
        start=new_york("2027-03-16 10:00"),
        status=Appointment.Status.REQUESTED,
        wants_calendar_file=True,
    )
    _send(appointment, Event.REQUESTED)
    appointment.status = Appointment.Status.DECLINED
    appointment.save()

    _send(appointment, Event.DECLINED)

    assert [_calendar_of(m) for m in mail.outbox] == [None, None]


def test_notify_queues_tasks_that_carry_identifiers_only() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    with transaction.atomic():
        queued = appointment_notify(appointment=appointment, event=Event.BOOKED)

    assert queued == [Audience.PERSON, Audience.CLINICIAN]
    rows = list(DBTaskResult.objects.all())
    assert sorted(r.args_kwargs["args"] for r in rows) == [
        [appointment.pk, "booked", "clinician"],
        [appointment.pk, "booked", "person"],
    ]
    assert all(r.args_kwargs["kwargs"] == {} for r in rows)
    assert {r.status for r in rows} == {TaskResultStatus.READY}


def test_notify_queues_nothing_when_the_booking_rolls_back() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    def book_then_fail() -> None:
        with transaction.atomic():
            appointment_notify(appointment=appointment, event=Event.BOOKED)
            raise RuntimeError("the booking failed after queueing")

    with pytest.raises(RuntimeError):
        book_then_fail()

    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("event", "audiences"),
    [
        (Event.BOOKED, [Audience.PERSON, Audience.CLINICIAN]),
        (Event.REQUESTED, [Audience.PERSON, Audience.CLINICIAN]),
        (Event.CONFIRMED, [Audience.PERSON]),
        (Event.DECLINED, [Audience.PERSON]),
        (Event.RESCHEDULED, [Audience.PERSON, Audience.CLINICIAN]),
        (Event.CANCELLED, [Audience.PERSON, Audience.CLINICIAN]),
    ],
)
def test_notify_tells_the_clinician_only_what_they_did_not_do(
    event: Event, audiences: list[Audience]
) -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))

    assert appointment_notify(appointment=appointment, event=event) == audiences


def test_notify_skips_who_has_no_address() -> None:
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), email="", notify_email="")

    assert appointment_notify(appointment=appointment, event=Event.BOOKED) == []
    assert not DBTaskResult.objects.exists()


def test_the_outbox_keeps_what_would_have_been_sent(settings: Settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "confide.notifications.outbox.OutboxBackend"}}
    appointment = appointment_make(start=new_york("2027-03-16 10:00"), wants_calendar_file=True)

    _send(appointment, Event.BOOKED)

    kept = OutboxMessage.objects.get()
    assert kept.subject == "Your appointment on Tue, Mar 16, 10:00 AM"
    assert kept.to == "zq@example.org"
    assert kept.from_email == "Appointments <appointments@localhost>"
    assert kept.text.startswith("Your appointment is booked for")
    assert kept.html.startswith("<!doctype html>")
    [attachment] = kept.attachments
    assert attachment["filename"] == "appointment.ics"
    assert attachment["mimetype"] == "text/calendar"
    assert f"UID:{appointment.ical_uid}" in attachment["content"]
    assert NOTE_CANARY not in kept.text + kept.html + attachment["content"]


def test_the_outbox_keeps_a_message_only_with_its_mark(settings: Settings) -> None:
    # The outbox is the database itself: its copy and the mark commit together, so a crash
    # between them leaves neither, and the task run again keeps one copy.
    settings.MAILERS = {"default": {"BACKEND": "confide.notifications.outbox.OutboxBackend"}}
    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    task = _task(appointment, Event.BOOKED)

    with (
        mock.patch("confide.notifications.tasks._mark_sent", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        _send(appointment, Event.BOOKED, task=task)

    assert not OutboxMessage.objects.exists()
    assert _send(appointment, Event.BOOKED, task=task) == "sent"
    assert OutboxMessage.objects.count() == 1
    assert SentMessage.objects.get().status == SentMessage.Status.SENT
