"""Reminders: scheduled with the booking change, discreet, quiet at night, retried, then shown."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from confide.emails import site_url
from confide.notifications.events import Event
from confide.notifications.leases import leases_sweep, worker_lease_renew
from confide.notifications.models import OutboxMessage, Reminder, WorkerLease
from confide.notifications.reminders import (
    agendas_schedule,
    reminders_claim,
    reminders_retry,
    reminders_send_due,
)
from confide.notifications.services import appointment_notify
from confide.notifications.tests.factories import (
    FORBIDDEN_WORDS,
    NAME,
    NOTE_CANARY,
    TYPE_NAME,
    appointment_make,
    new_york,
    words_outside_links,
)
from confide.notifications.tests.twilio_stub import SENDER, Reply, basic_auth, twilio_stub
from confide.practice.models import Clinician, Practice
from confide.scheduling.booking import appointment_book
from confide.scheduling.changes import (
    ChangePolicy,
    appointment_cancel,
    appointment_confirm,
    appointment_decline,
    appointment_move,
)
from confide.scheduling.models import Appointment
from confide.scheduling.requests import ContactDetails

pytestmark = pytest.mark.usefixtures("demo")
H = dt.timedelta(hours=1)
Status = Reminder.Status
# Beyond the factory's list: the clinician, the practice and their credentials are other people.
MORE_FORBIDDEN = ["hannah", "brenner", "canary", "anxiety", "trauma", "shame", "couples"]


def _person(
    start: dt.datetime,
    *,
    phone: str = "(212) 555-0123",
    may_text: bool = True,
    time_zone: str = "America/New_York",
    fmt: Appointment.Format = Appointment.Format.VIDEO,
) -> Appointment:
    appointment = appointment_make(start=start, fmt=fmt)
    consultation = appointment.consultation
    assert consultation is not None
    consultation.phone, consultation.may_text, consultation.time_zone = phone, may_text, time_zone
    consultation.save()
    return appointment


def _book(appointment: Appointment, now: dt.datetime) -> None:
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.BOOKED, now=now)


def _rows(appointment: Appointment) -> list[tuple[str, float, dt.datetime, str]]:
    return [
        (r.channel, (r.offset_minutes or 0) / 60, r.send_at, r.status)
        for r in Reminder.objects.filter(appointment=appointment).order_by("send_at", "channel")
    ]


def _send(at: dt.datetime, worker: str = "w1") -> int:
    return reminders_send_due(worker_id=worker, clock=lambda: at)


def _words(text: str) -> str:
    return words_outside_links(text)


# Scheduling -------------------------------------------------------------------------------------


def test_booking_schedules_each_offset_by_each_allowed_channel() -> None:
    appointment = _person(new_york("2027-03-18 14:00"))

    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert _rows(appointment) == [
        ("email", 48, new_york("2027-03-16 14:00"), "pending"),
        ("text", 48, new_york("2027-03-16 14:00"), "pending"),
        ("email", 2, new_york("2027-03-18 12:00"), "pending"),
        ("text", 2, new_york("2027-03-18 12:00"), "pending"),
    ]


@pytest.mark.parametrize(
    ("phone", "may_text", "channels"),
    [
        ("(212) 555-0123", True, {"email", "text"}),
        ("(212) 555-0123", False, {"email"}),
        ("", True, {"email"}),
    ],
)
def test_texts_go_only_to_people_who_allowed_them_and_gave_a_number(
    phone: str, may_text: bool, channels: set[str]
) -> None:
    appointment = _person(new_york("2027-03-18 14:00"), phone=phone, may_text=may_text)

    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert set(Reminder.objects.values_list("channel", flat=True)) == channels


def test_the_practice_sets_the_offsets() -> None:
    practice = Practice.load()
    practice.first_reminder_hours, practice.second_reminder_hours = 24, 0
    practice.save()
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)

    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert _rows(appointment) == [("email", 24, new_york("2027-03-17 14:00"), "pending")]


def test_a_booking_inside_the_first_window_gets_no_stale_reminder() -> None:
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)

    _book(appointment, now=new_york("2027-03-17 08:00"))

    assert _rows(appointment) == [("email", 2, new_york("2027-03-18 12:00"), "pending")]


@pytest.mark.parametrize(
    ("start", "due_wall"),
    [
        # Booked a week before spring forward: 48 real hours before Monday 10:00 EDT is
        # Saturday 9:00 EST on the wall clock, not 10:00.
        ("2027-03-15 10:00", "2027-03-13 09:00 EST"),
        # Across the autumn change, Saturday 11:00 EDT.
        ("2027-11-08 10:00", "2027-11-06 11:00 EDT"),
    ],
)
def test_a_daylight_saving_change_between_booking_and_reminder_does_not_shift_it(
    start: str, due_wall: str
) -> None:
    appointment = _person(new_york(start), may_text=False)

    _book(appointment, now=new_york(start) - 7 * 24 * H)

    first = Reminder.objects.get(offset_minutes=48 * 60)
    assert appointment.start - first.send_at == 48 * H
    assert first.send_at.astimezone(new_york(start).tzinfo).strftime("%Y-%m-%d %H:%M %Z") == (
        due_wall
    )


def test_requests_get_reminders_only_once_confirmed() -> None:
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    appointment.status = Appointment.Status.REQUESTED
    appointment.save()
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.REQUESTED)
    assert not Reminder.objects.exists()

    appointment_confirm(appointment=appointment)

    assert Reminder.objects.filter(status=Status.PENDING).count() == 2


def test_booking_twice_schedules_once() -> None:
    appointment = _person(new_york("2027-03-18 14:00"))

    _book(appointment, now=new_york("2027-03-10 12:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert Reminder.objects.count() == 4


def test_a_booking_that_rolls_back_leaves_no_reminder() -> None:
    appointment = _person(new_york("2027-03-18 14:00"))

    def book_then_fail() -> None:
        with transaction.atomic():
            appointment_notify(appointment=appointment, event=Event.BOOKED)
            raise RuntimeError("the booking failed after queueing")

    with pytest.raises(RuntimeError):
        book_then_fail()

    assert not Reminder.objects.exists()


def _public_booking(start: str = "2027-03-15 14:00") -> Appointment:
    kind = Clinician.objects.get(slug="hannah-brenner").appointment_types.get(slug="consultation")
    return appointment_book(
        appointment_type=kind,
        start=dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC),
        format="phone",
        contact=ContactDetails(
            name="Sam", email="sam@example.org", phone="(212) 555-0188", may_text=True
        ),
        now=dt.datetime(2027, 3, 8, 12, tzinfo=dt.UTC),
        booking_key=start,
    )


def test_rescheduling_moves_the_reminders_to_the_new_time() -> None:
    old = _public_booking()
    now = dt.datetime(2027, 3, 8, 12, tzinfo=dt.UTC)

    new = appointment_move(
        appointment=old,
        start=dt.datetime(2027, 3, 16, 14, tzinfo=dt.UTC),
        now=now,
        policy=ChangePolicy.ONLINE,
    )

    assert set(Reminder.objects.filter(appointment=old).values_list("status", flat=True)) == {
        Status.CANCELLED
    }
    assert {r.send_at for r in Reminder.objects.filter(appointment=new)} == {
        new.start - 48 * H,
        new.start - 2 * H,
    }
    assert Reminder.objects.filter(appointment=new, status=Status.PENDING).count() == 4


def test_cancelling_removes_the_reminders_and_nothing_is_sent() -> None:
    appointment = _public_booking()

    appointment_cancel(
        appointment=appointment, now=appointment.start - 72 * H, policy=ChangePolicy.ONLINE
    )
    sent = _send(appointment.start - H)

    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.CANCELLED}
    assert sent == 0
    assert [m for m in mail.outbox if m.subject.startswith("Reminder")] == []


def test_declining_a_request_removes_nothing_it_never_had_and_sends_nothing() -> None:
    appointment = _person(new_york("2027-03-18 14:00"))
    appointment.status = Appointment.Status.REQUESTED
    appointment.save()

    appointment_decline(appointment=appointment)

    assert not Reminder.objects.exists()


def test_a_reminder_claimed_before_a_cancellation_is_not_sent() -> None:
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))
    at = new_york("2027-03-16 14:00")
    [claimed] = reminders_claim(worker_id="w1", now=at, limit=10)
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)

    from confide.notifications.reminders import reminder_deliver

    assert reminder_deliver(reminder_id=claimed, worker_id="w1", now=at) == Status.CANCELLED
    assert mail.outbox == []


# Sending and content --------------------------------------------------------------------------


def test_a_due_email_reminder_is_sent_once_and_says_only_when_how_and_where_to_change_it() -> None:
    appointment = _person(
        new_york("2027-03-18 14:00"), may_text=False, time_zone="America/Los_Angeles"
    )
    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert _send(new_york("2027-03-16 13:59")) == 0
    assert _send(new_york("2027-03-16 14:00")) == 1
    assert _send(new_york("2027-03-16 14:05")) == 0

    [message] = mail.outbox
    reminder = Reminder.objects.get(status=Status.SENT)
    assert reminder.sent_at == new_york("2027-03-16 14:00")
    assert message.to == ["zq@example.org"]
    assert message.from_email == "Appointments <appointments@localhost>"
    # In the zone the person saw the time in, not the clinician's.
    assert message.subject == "Reminder: your appointment on Thu, Mar 18, 11:00 AM"
    assert message.extra_headers["Message-ID"] == f"<{reminder.key}@127.0.0.1>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert site_url(appointment.get_manage_url()) in message.body
    assert "How: by video." in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = message.alternatives[0][0]
    whole = _words(message.subject + str(message.body) + str(html))
    for word in [*FORBIDDEN_WORDS, *MORE_FORBIDDEN, NAME.lower(), NOTE_CANARY.lower()]:
        assert word not in whole, word
    assert TYPE_NAME.lower() not in whole


@pytest.mark.parametrize(
    ("fmt", "how"),
    [
        (Appointment.Format.PHONE, "by phone"),
        (Appointment.Format.VIDEO, "by video"),
        (Appointment.Format.IN_PERSON, "in person"),
    ],
)
def test_a_text_reminder_is_short_and_discreet(fmt: Appointment.Format, how: str) -> None:
    appointment = _person(new_york("2027-03-18 14:00"), fmt=fmt)
    _book(appointment, now=new_york("2027-03-10 12:00"))

    _send(new_york("2027-03-16 14:00"))

    text = OutboxMessage.objects.get(kind=OutboxMessage.Kind.TEXT)
    assert text.to == "+12125550123"
    assert text.text.startswith(f"Reminder: appointment Thu, Mar 18, 2:00 PM EDT, {how}.")
    assert site_url(appointment.get_manage_url()) in text.text
    # Two SMS segments at most, whatever the address of the site.
    assert len(text.text) - len(site_url("")) <= 320 - 40
    for word in [*FORBIDDEN_WORDS, *MORE_FORBIDDEN, NAME.lower(), NOTE_CANARY.lower()]:
        assert word not in _words(text.text), word


def test_a_couples_partners_each_get_their_own_reminders_by_their_own_wishes() -> None:
    from confide.clients.models import Client, Person

    appointment = appointment_make(start=new_york("2027-03-18 14:00"))
    couple = Client.objects.create(
        kind=Client.Kind.COUPLE, clinician=appointment.clinician, display_name="A. and B."
    )
    Person.objects.create(client=couple, name="Ari Vell", email="ari@example.org", order=0)
    Person.objects.create(
        client=couple,
        name="Bo Quill",
        phone="(212) 555-0150",
        may_text=True,
        time_zone="America/Chicago",
        order=1,
    )
    appointment.client = couple
    appointment.save()

    _book(appointment, now=new_york("2027-03-10 12:00"))
    _send(new_york("2027-03-16 14:00"))

    assert sorted(
        Reminder.objects.filter(offset_minutes=120).values_list("recipient_key", "channel")
    ) == sorted(
        [(f"person:{p.pk}", c) for p, c in zip(couple.people.all(), ["email", "text"], strict=True)]
    )
    [email] = mail.outbox
    [text] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert email.to == ["ari@example.org"]
    assert "1:00 PM CDT" in text.text
    for name in ["ari", "vell", "bo quill", "quill"]:
        assert name not in _words(email.subject + str(email.body) + text.text)


def test_a_text_due_in_quiet_hours_waits_for_the_morning() -> None:
    appointment = _person(new_york("2027-03-18 09:00"))

    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert _rows(appointment)[-2:] == [
        ("email", 2, new_york("2027-03-18 07:00"), "pending"),
        ("text", 2, new_york("2027-03-18 08:00"), "pending"),
    ]


def test_a_text_that_quiet_hours_would_make_useless_is_skipped_and_says_why() -> None:
    appointment = _person(new_york("2027-03-18 08:15"))

    _book(appointment, now=new_york("2027-03-10 12:00"))

    text = Reminder.objects.get(channel="text", offset_minutes=120)
    assert text.status == Status.SKIPPED
    assert text.outcome == "quiet hours last until too close to the appointment"


def test_quiet_hours_follow_the_recipients_zone() -> None:
    # 7:00 in New York is 4:00 in Los Angeles: still night there, so 8:00 Pacific (11:00 NY)
    # would be after the start; the text is skipped.
    appointment = _person(new_york("2027-03-18 09:00"), time_zone="America/Los_Angeles")

    _book(appointment, now=new_york("2027-03-10 12:00"))

    assert Reminder.objects.get(channel="text", offset_minutes=120).status == Status.SKIPPED


def test_a_late_worker_does_not_text_at_night_and_waits_for_the_morning() -> None:
    appointment = _person(new_york("2027-03-18 14:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))

    # The worker was down from before the 48-hour reminder until 23:00.
    _send(new_york("2027-03-16 23:00"))

    text = Reminder.objects.get(channel="text", offset_minutes=48 * 60)
    assert (text.status, text.send_at, text.attempts) == (
        Status.PENDING,
        new_york("2027-03-17 08:00"),
        0,
    )
    assert Reminder.objects.get(channel="email", offset_minutes=48 * 60).status == Status.SENT


def test_a_reminder_found_too_late_is_skipped_not_sent() -> None:
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))

    _send(new_york("2027-03-18 13:45"))

    statuses = dict(Reminder.objects.values_list("offset_minutes", "status"))
    assert statuses == {48 * 60: Status.SKIPPED, 120: Status.SKIPPED}
    assert mail.outbox == []


# Failures ---------------------------------------------------------------------------------------


class RefusingBackend(BaseEmailBackend):
    """A mail server that always answers "try again later"."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPResponseException(451, b"4.3.0 Try again later")


class RejectingBackend(BaseEmailBackend):
    """A mail server that refuses the address for good."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPRecipientsRefused({"zq@example.org": (550, b"5.1.1 No such user")})


def _mailer(settings: Settings, backend: type[BaseEmailBackend]) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}


def test_a_failed_email_is_retried_with_back_off_then_marked_failed(settings: Settings) -> None:
    _mailer(settings, RefusingBackend)
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))
    reminder = Reminder.objects.get(offset_minutes=48 * 60)
    t = reminder.send_at
    tries: list[tuple[int, dt.timedelta | None, str]] = []

    for _ in range(5):
        _send(t)
        reminder.refresh_from_db()
        tries.append(
            (
                reminder.attempts,
                reminder.send_at - t if reminder.status == Status.PENDING else None,
                reminder.status,
            )
        )
        t = reminder.send_at

    minutes = dt.timedelta(minutes=1)
    assert tries == [
        (1, 1 * minutes, Status.PENDING),
        (2, 5 * minutes, Status.PENDING),
        (3, 15 * minutes, Status.PENDING),
        (4, 30 * minutes, Status.PENDING),
        (5, None, Status.FAILED),
    ]
    assert reminder.outcome == "Gave up after 5 attempts: The mail server said SMTP 451"


def test_a_refused_address_fails_at_once(settings: Settings) -> None:
    _mailer(settings, RejectingBackend)
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))

    _send(new_york("2027-03-16 14:00"))

    reminder = Reminder.objects.get(offset_minutes=48 * 60)
    assert (reminder.status, reminder.attempts) == (Status.FAILED, 1)
    assert reminder.outcome == "The mail server refused the address (SMTP 550)"


def test_no_retry_is_planned_after_it_would_be_useful(settings: Settings) -> None:
    _mailer(settings, RefusingBackend)
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))
    Reminder.objects.filter(offset_minutes=120).update(send_at=new_york("2027-03-18 13:29:30"))

    _send(new_york("2027-03-18 13:29:30"))

    reminder = Reminder.objects.get(offset_minutes=120)
    assert reminder.status == Status.FAILED
    assert reminder.outcome.startswith("Gave up after 1 attempt:")


def test_a_failed_message_can_be_tried_again_from_the_office(settings: Settings) -> None:
    _mailer(settings, RejectingBackend)
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))
    _send(new_york("2027-03-16 14:00"))
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    assert reminders_retry(reminders=Reminder.objects.all(), now=new_york("2027-03-16 15:00")) == 1
    _send(new_york("2027-03-16 15:00"))

    assert Reminder.objects.get(offset_minutes=48 * 60).status == Status.SENT
    assert len(mail.outbox) == 1


# Text messages through Twilio's API -------------------------------------------------------------


def test_twilio_gets_a_form_post_with_basic_auth(settings: Settings) -> None:
    appointment = _person(new_york("2027-03-18 14:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))
    with twilio_stub() as stub:
        settings.TEXT_MESSAGES_URL = stub.url()

        _send(new_york("2027-03-16 14:00"))

    [form] = stub.received
    assert stub.paths == ["/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json"]
    assert stub.authorizations == [basic_auth()]
    assert form["To"] == "+12125550123"
    assert form["From"] == SENDER
    assert form["Body"].startswith("Reminder: appointment Thu, Mar 18, 2:00 PM EDT")
    assert Reminder.objects.get(channel="text", offset_minutes=48 * 60).status == Status.SENT
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("reply", "status", "attempts", "outcome"),
    [
        (
            Reply(400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}),
            Status.FAILED,
            1,
            "HTTP 400, code 21211: Invalid 'To' Phone Number",
        ),
        (
            Reply(429, {"code": 20429, "message": "Too Many Requests"}, {"Retry-After": "600"}),
            Status.PENDING,
            1,
            "Will try again: HTTP 429, code 20429: Too Many Requests",
        ),
        (Reply(503, {"message": "Service Unavailable"}), Status.PENDING, 1, "Will try again: "),
    ],
)
def test_twilio_refusals_fail_and_its_hiccups_are_retried(
    settings: Settings, reply: Reply, status: str, attempts: int, outcome: str
) -> None:
    appointment = _person(new_york("2027-03-18 14:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))
    at = new_york("2027-03-16 14:00")
    with twilio_stub() as stub:
        settings.TEXT_MESSAGES_URL = stub.url()
        stub.script.append(reply)

        _send(at)
        text = Reminder.objects.get(channel="text", offset_minutes=48 * 60)
        assert (text.status, text.attempts) == (status, attempts)
        assert text.outcome.startswith(outcome)
        if status == Status.PENDING:
            # Retry-After is honoured when longer than the back-off.
            wait = dt.timedelta(seconds=600) if reply.status == 429 else dt.timedelta(minutes=1)
            assert text.send_at == at + wait
            _send(text.send_at)
            text.refresh_from_db()
            assert (text.status, text.attempts, len(stub.received)) == (Status.SENT, 2, 2)


def test_an_unreachable_text_provider_is_retried(settings: Settings) -> None:
    appointment = _person(new_york("2027-03-18 14:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))
    with twilio_stub() as stub:
        url = stub.url()
    settings.TEXT_MESSAGES_URL = url  # the server is gone now

    _send(new_york("2027-03-16 14:00"))

    text = Reminder.objects.get(channel="text", offset_minutes=48 * 60)
    assert text.status == Status.PENDING
    assert text.outcome == "Will try again: Text provider unreachable: URLError"


@pytest.mark.parametrize(
    "url",
    [
        "twilio://api.twilio.com",
        "twilio://sid:token@api.twilio.com",
        "sms://sid:token@example.org?from=%2B1",
        "nonsense",
    ],
)
def test_a_malformed_text_provider_address_stops_startup(settings: Settings, url: str) -> None:
    from django.core.checks import run_checks

    settings.TEXT_MESSAGES_URL = url

    assert [e.id for e in run_checks() if e.id == "confide.E001"] == ["confide.E001"]


# Morning agenda ---------------------------------------------------------------------------------


def _agenda_clinician() -> Clinician:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    clinician.morning_agenda = True
    clinician.notify_email = "hb-notices@example.org"
    clinician.save()
    return clinician


def test_the_morning_agenda_lists_times_and_initials_once_per_day() -> None:
    first = appointment_make(start=new_york("2027-03-16 10:00"))
    appointment_make(start=new_york("2027-03-16 14:00"), minutes=80)
    appointment_make(start=new_york("2027-03-17 10:00"))
    appointment_make(start=new_york("2027-03-16 16:00"), status=Appointment.Status.CANCELLED)
    _agenda_clinician()

    assert agendas_schedule(now=new_york("2027-03-16 06:59")) == 0
    for minute in ["07:00", "07:01", "09:00"]:
        agendas_schedule(now=new_york(f"2027-03-16 {minute}"))
        _send(new_york(f"2027-03-16 {minute}"))

    [agenda] = mail.outbox
    assert agenda.to == ["hb-notices@example.org"]
    assert agenda.subject == "Your appointments for Tue, Mar 16"
    assert "10:00 AM to 10:50 AM  Z.Q." in agenda.body
    assert "2:00 PM to 3:20 PM  Z.Q." in agenda.body
    assert "4:00 PM" not in agenda.body
    assert "Mar 17" not in agenda.body
    assert isinstance(agenda, EmailMultiAlternatives)
    whole = _words(agenda.subject + str(agenda.body) + str(agenda.alternatives[0][0]))
    for word in [*FORBIDDEN_WORDS, "zelda", "quintrell", NOTE_CANARY.lower(), TYPE_NAME.lower()]:
        assert word not in whole, word
    assert Reminder.objects.filter(kind=Reminder.Kind.AGENDA).count() == 1
    assert first.start.astimezone(new_york("2027-03-16 00:00").tzinfo).hour == 10


def test_no_agenda_for_clinicians_who_did_not_ask_or_after_the_morning() -> None:
    appointment_make(start=new_york("2027-03-16 10:00"))
    clinician = _agenda_clinician()

    assert agendas_schedule(now=new_york("2027-03-16 11:01")) == 0
    clinician.morning_agenda = False
    clinician.save()
    assert agendas_schedule(now=new_york("2027-03-16 07:30")) == 0


def test_an_empty_day_sends_no_agenda_and_says_so() -> None:
    _agenda_clinician()

    agendas_schedule(now=new_york("2027-03-16 07:00"))
    _send(new_york("2027-03-16 07:00"))

    assert mail.outbox == []
    agenda = Reminder.objects.get(kind=Reminder.Kind.AGENDA)
    assert (agenda.status, agenda.outcome) == (Status.CANCELLED, "no appointments that day")


# Claims, leases and the sweeper ----------------------------------------------------------------


def test_a_claimed_reminder_cannot_be_claimed_again() -> None:
    appointment = _person(new_york("2027-03-18 14:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))
    at = new_york("2027-03-16 14:00")

    first = reminders_claim(worker_id="w1", now=at, limit=10)
    second = reminders_claim(worker_id="w2", now=at, limit=10)

    assert len(first) == 2
    assert second == []
    assert set(Reminder.objects.filter(pk__in=first).values_list("claimed_by", flat=True)) == {"w1"}


def _running_task(worker_ids: list[str], start: str) -> DBTaskResult[Any, Any]:
    appointment = appointment_make(start=new_york(start), notify_email="")
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.BOOKED)
    task = DBTaskResult.objects.get(args_kwargs__args__0=appointment.pk)
    task.status = TaskResultStatus.RUNNING
    task.worker_ids = worker_ids
    task.save()
    return task


def test_the_sweeper_gives_back_the_work_of_a_worker_whose_lease_lapsed() -> None:
    now = new_york("2027-03-16 14:00")
    worker_lease_renew(worker_id="dead", now=now - 5 * dt.timedelta(minutes=1), seconds=60)
    worker_lease_renew(worker_id="alive", now=now, seconds=60)
    lost = _running_task(["someone-earlier", "dead"], "2027-03-18 10:00")
    busy = _running_task(["alive"], "2027-03-18 12:00")
    unleased = _running_task(["plain-db-worker"], "2027-03-18 14:00")
    [claimed] = reminders_claim(worker_id="dead", now=now, limit=1)

    swept = leases_sweep(now=now)

    assert (swept.workers, swept.tasks, swept.reminders) == (1, 1, 1)
    statuses = {
        t.pk: t.status for t in DBTaskResult.objects.filter(pk__in=[lost.pk, busy.pk, unleased.pk])
    }
    assert statuses == {
        lost.pk: TaskResultStatus.READY,
        busy.pk: TaskResultStatus.RUNNING,
        unleased.pk: TaskResultStatus.RUNNING,
    }
    reminder = Reminder.objects.get(pk=claimed)
    assert (reminder.status, reminder.claimed_by) == (Status.PENDING, "")
    assert "may arrive twice" in reminder.outcome
    assert set(WorkerLease.objects.values_list("worker_id", flat=True)) == {"alive"}
    assert leases_sweep(now=now) == type(swept)()


def test_a_worker_whose_lease_was_swept_learns_it_on_the_next_beat() -> None:
    now = new_york("2027-03-16 14:00")
    assert not worker_lease_renew(worker_id="w1", now=now, seconds=60)
    assert worker_lease_renew(worker_id="w1", now=now + dt.timedelta(seconds=20), seconds=60)
    leases_sweep(now=now + dt.timedelta(seconds=200))

    assert not worker_lease_renew(worker_id="w1", now=now + dt.timedelta(seconds=201), seconds=60)


# The office -------------------------------------------------------------------------------------


@pytest.fixture
def failed(settings: Settings) -> Reminder:
    _mailer(settings, RejectingBackend)
    appointment = _person(new_york("2027-03-18 14:00"), may_text=False)
    _book(appointment, now=new_york("2027-03-10 12:00"))
    _send(new_york("2027-03-16 14:00"))
    return Reminder.objects.get(status=Status.FAILED)


def test_the_therapist_sees_a_failed_reminder_in_the_list_and_on_the_appointment(
    client: Client, owner: User, failed: Reminder
) -> None:
    client.force_login(owner)

    listing = client.get(reverse("admin:notifications_failedmessage_changelist"))
    appointment_page = client.get(
        reverse("admin:scheduling_appointment_change", args=[failed.appointment_id])
    )

    assert listing.status_code == 200
    assert "The mail server refused the address (SMTP 550)" in listing.content.decode()
    assert appointment_page.status_code == 200
    page = appointment_page.content.decode()
    assert "The mail server refused the address (SMTP 550)" in page
    assert "Failed" in page


def test_the_failed_list_shows_only_failed_messages(
    client: Client, owner: User, failed: Reminder
) -> None:
    client.force_login(owner)

    listing = client.get(reverse("admin:notifications_failedmessage_changelist"))

    assert listing.context["cl"].result_count == 1


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_people_outside_the_office_never_see_messages(
    client: Client, stranger: User, failed: Reminder, who: str
) -> None:
    if who == "stranger":
        client.force_login(stranger)

    for name in [
        "admin:notifications_failedmessage_changelist",
        "admin:notifications_reminder_changelist",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "login" in response["Location"]
