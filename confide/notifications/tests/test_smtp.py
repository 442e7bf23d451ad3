"""A booking's messages travel the real way: task row, db_worker process, SMTP server."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from confide.emails import site_url
from confide.notifications.events import Event
from confide.notifications.services import appointment_notify
from confide.notifications.tests.factories import (
    FORBIDDEN_WORDS,
    NAME,
    NOTE_CANARY,
    ROOT,
    appointment_make,
    new_york,
    words_outside_links,
)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _database_url() -> str:
    """Return the URL of the test database, which the worker process must use too."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    return subprocess.Popen(
        [*command, "--no-reload", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(worker: subprocess.Popen[str]) -> None:
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output


@pytest.mark.usefixtures("demo")
def test_the_worker_sends_a_booking_through_real_smtp(
    transactional_db: None, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    appointment = appointment_make(start=new_york("2027-03-15 10:00"), wants_calendar_file=True)
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.BOOKED)

    _finish(_start_worker(port))

    assert {r.status for r in DBTaskResult.objects.all()} == {TaskResultStatus.SUCCESSFUL}
    by_recipient = {tuple(r.rcpt_tos): r for r in inbox.received}
    assert set(by_recipient) == {("zq@example.org",), ("hb-notices@example.org",)}

    person = by_recipient["zq@example.org",]
    message = person.message
    assert person.mail_from == "appointments@localhost"
    assert message["From"] == "Appointments <appointments@localhost>"
    assert message["Subject"] == "Your appointment on Mon, Mar 15, 10:00 AM"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    plain = text.get_content()
    assert plain.splitlines()[0] == "Your appointment is booked for Mon, Mar 15, 10:00 AM EDT."
    assert site_url(appointment.get_manage_url()) in plain
    whole = words_outside_links(message["Subject"] + plain + html.get_content())
    for word in FORBIDDEN_WORDS:
        assert word not in whole, word
    assert NOTE_CANARY.lower() not in whole
    assert NAME.lower() not in whole

    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "appointment.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.events
    assert event["UID"] == appointment.ical_uid
    assert event["SUMMARY"] == "Appointment"
    assert event.start == new_york("2027-03-15 10:00")

    notice = by_recipient["hb-notices@example.org",].message
    assert notice["Subject"] == "New appointment on Mon, Mar 15, 10:00 AM"
    notice_text = notice.get_body(preferencelist=("plain",))
    assert notice_text is not None
    assert "Who: Z.Q." in notice_text.get_content()
    assert not list(notice.iter_attachments())


@pytest.mark.usefixtures("demo")
def test_two_workers_with_the_same_task_twice_send_one_message(
    transactional_db: None, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    appointment = appointment_make(start=new_york("2027-03-15 10:00"), notify_email="")
    with transaction.atomic():
        # A retried enqueue, say: two rows for the same message.
        appointment_notify(appointment=appointment, event=Event.BOOKED)
        appointment_notify(appointment=appointment, event=Event.BOOKED)

    workers = [_start_worker(port), _start_worker(port)]
    for worker in workers:
        _finish(worker)

    assert [r.rcpt_tos for r in inbox.received] == [["zq@example.org"]]
    # The second task finds the message sent, or still being sent by the first.
    outcomes = sorted(r.return_value for r in DBTaskResult.objects.all())
    assert outcomes in (["already sent", "sent"], ["being sent by another task", "sent"])
