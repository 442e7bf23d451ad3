"""Reminders through real worker processes and a real SMTP server on loopback.

Two workers side by side send each reminder once (and, as a control, twice without the claim's
lock); a worker killed with SIGKILL at each point of claim → send → mark loses nothing, and
repeats a reminder only when killed after the mail server took it and before the mark. A booking
email's task whose worker is killed is given back and sends its message again, with the same
Message-ID. One stopped with SIGTERM finishes the task in hand and gives back its lease.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.notifications.events import Event
from confide.notifications.models import Reminder, SentMessage, WorkerLease
from confide.notifications.reminders import reminders_schedule
from confide.notifications.services import appointment_notify
from confide.notifications.tests.factories import appointment_make
from confide.scheduling.models import Appointment
from e2e.servers import running_process, test_server_environment

# Alone: workers racing for leases and killed mid-send need the machine to themselves.
pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.serial]
LEASE = 1.0
# manage.py with the claim's lock taken out, for the control case.
UNGUARDED = ("-m", "e2e.reminders.unguarded_worker")
Status = Reminder.Status


@dataclass
class Inbox:
    """An SMTP server's handler that keeps what it accepts and can kill a worker on cue.

    ``on_mail`` runs when a message's envelope starts (the client has sent nothing yet);
    ``on_data`` after the whole message has arrived and been kept, before the server answers.
    """

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    on_mail: Callable[[], None] | None = None
    on_data: Callable[[], None] | None = None
    delay: float = 0.0

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.on_mail is not None:
            self.on_mail()
            return "451 Try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        self.messages.append(message)
        if self.on_data is not None:
            self.on_data()
        if self.delay:
            time.sleep(self.delay)
        return "250 Message accepted for delivery"

    def ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def log() -> Iterator[IO[bytes]]:
    with tempfile.TemporaryFile() as file:
        yield file


def _worker_argv(
    *extra: str, batch: bool = False, manage: Sequence[str] = ("manage.py",)
) -> list[str]:
    argv = [sys.executable, *manage, "confide_worker", "--no-startup-delay", "--no-reload"]
    argv += ["--interval", "0.05", "--lease-seconds", str(LEASE), *extra]
    return [*argv, "--batch"] if batch else argv


def _env(port: int) -> dict[str, str]:
    return test_server_environment(EMAIL_URL=f"smtp://127.0.0.1:{port}")


def _run_batch(port: int, *extra: str) -> str:
    """Run one worker until nothing is due, and return what it printed."""
    result = subprocess.run(
        _worker_argv(*extra, batch=True),
        env={**os.environ, **_env(port)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _due_reminders(count: int) -> list[Appointment]:
    """Make appointments a few hours ahead whose email reminders are due now."""
    base = timezone.now().replace(microsecond=0) + dt.timedelta(hours=6)
    made: list[Appointment] = []
    for i in range(count):
        appointment = appointment_make(
            start=base + dt.timedelta(hours=i), email=f"p{i}@example.org", notify_email=""
        )
        with transaction.atomic():
            reminders_schedule(appointment=appointment, now=base - dt.timedelta(days=7))
        made.append(appointment)
    _make_due()
    assert Reminder.objects.count() == 2 * count
    return made


def _make_due() -> None:
    Reminder.objects.update(send_at=timezone.now() - dt.timedelta(minutes=1))


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out waiting for {what}")


def _all_done() -> bool:
    return not Reminder.objects.filter(status__in=[Status.PENDING, Status.SENDING]).exists()


def _two_workers(port: int, log: IO[bytes], *, manage: Sequence[str] = ("manage.py",)) -> None:
    argv = _worker_argv("--reminder-batch", "10", manage=manage)
    # Nothing is due until both are up: one worker starting a few seconds before the other on a
    # busy machine could otherwise send everything alone.
    Reminder.objects.update(send_at=timezone.now() + dt.timedelta(days=30))
    with (
        running_process(argv, env=_env(port), log=log),
        running_process(argv, env=_env(port), log=log),
    ):
        _wait_for(lambda: WorkerLease.objects.count() == 2, "both workers to start")
        _make_due()
        _wait_for(_all_done, "every reminder to be handled")


def _output(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")


def test_two_workers_side_by_side_send_every_reminder_exactly_once(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    inbox.delay = 0.01
    _due_reminders(60)

    _two_workers(port, log)

    counts = inbox.ids()
    assert len(counts) == 120, _output(log)
    assert set(counts.values()) == {1}
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SENT}
    # Both did part of the work, so the two really ran at once.
    workers = Counter(Reminder.objects.values_list("claimed_by", flat=True))
    assert len(workers) == 2, workers
    expected = {f"<{key}@127.0.0.1>" for key in Reminder.objects.values_list("key", flat=True)}
    assert set(counts) == expected


def test_control_without_the_claims_lock_two_workers_send_duplicates(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    inbox.delay = 0.01
    _due_reminders(60)

    # The workers are the test's own: no option or setting of Confide can take the lock out.
    _two_workers(port, log, manage=UNGUARDED)

    counts = inbox.ids()
    assert len(counts) == 120
    assert max(counts.values()) == 2, "the race did not happen; the control proves nothing"


def _one_due_reminder() -> Reminder:
    _due_reminders(1)
    # Keep only the first offset due, so one message is in play.
    first, second = Reminder.objects.order_by("offset_minutes")
    second.send_at = timezone.now() + dt.timedelta(days=30)
    second.save()
    return first


def _killed_worker(port: int, log: IO[bytes], inbox: Inbox, cue: str) -> None:
    """Start a worker and SIGKILL it from inside the SMTP conversation, at ``cue``."""
    with running_process(_worker_argv(), env=_env(port), log=log) as worker:

        def kill() -> None:
            os.kill(worker.pid, signal.SIGKILL)

        setattr(inbox, cue, kill)
        worker.wait(timeout=60)
        setattr(inbox, cue, None)
    assert worker.returncode == -signal.SIGKILL, _output(log)


def _restart_after_the_lease(port: int) -> str:
    _wait_for(
        lambda: WorkerLease.objects.filter(expires_at__lt=timezone.now()).exists(),
        "the dead worker's lease to lapse",
    )
    return _run_batch(port)


def test_a_worker_killed_before_the_mail_server_took_the_message_loses_nothing(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    reminder = _one_due_reminder()

    _killed_worker(port, log, inbox, "on_mail")
    reminder.refresh_from_db()
    assert (reminder.status, inbox.messages) == (Status.SENDING, [])
    output = _restart_after_the_lease(port)

    reminder.refresh_from_db()
    assert reminder.status == Status.SENT, output
    assert inbox.ids() == {f"<{reminder.key}@127.0.0.1>": 1}


def test_a_worker_killed_after_the_mail_server_took_it_sends_it_again_with_the_same_id(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    reminder = _one_due_reminder()

    _killed_worker(port, log, inbox, "on_data")
    reminder.refresh_from_db()
    assert reminder.status == Status.SENDING
    _restart_after_the_lease(port)

    reminder.refresh_from_db()
    assert reminder.status == Status.SENT
    assert "may arrive twice" in reminder.outcome
    # The one window the channel cannot close: two copies, recognisably the same message.
    assert inbox.ids() == {f"<{reminder.key}@127.0.0.1>": 2}
    first, second = inbox.messages
    assert first["Subject"] == second["Subject"]


def test_a_worker_killed_after_marking_a_reminder_sent_sends_it_never_again(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    reminder = _one_due_reminder()

    with running_process(_worker_argv(), env=_env(port), log=log) as worker:
        _wait_for(
            lambda: Reminder.objects.filter(pk=reminder.pk, status=Status.SENT).exists(),
            "the reminder to be sent",
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    _restart_after_the_lease(port)

    assert inbox.ids() == {f"<{reminder.key}@127.0.0.1>": 1}


def test_a_task_whose_worker_was_killed_is_given_back_which_db_worker_never_does(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    task = _booking_task()

    _killed_worker(port, log, inbox, "on_data")
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING

    # The control: django-tasks-db's own worker leaves it running for ever.
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        env={**os.environ, **_env(port)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING, result.stdout

    _restart_after_the_lease(port)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2
    # Killed after the server had the whole message and before the mark: the task, given back,
    # sends it again under the same Message-ID, the one window in which it arrives twice.
    assert task.return_value == "sent again after a worker stopped"
    claim = SentMessage.objects.get()
    assert (claim.status, claim.claimed_by_task) == (SentMessage.Status.SENT, str(task.pk))
    assert inbox.ids() == {f"<{claim.key}.0@127.0.0.1>": 2}


def test_a_booking_email_whose_worker_was_killed_before_the_server_had_it_is_sent_once(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    task = _booking_task()

    _killed_worker(port, log, inbox, "on_mail")
    claim = SentMessage.objects.get()
    assert (claim.status, inbox.messages) == (SentMessage.Status.SENDING, [])
    output = _restart_after_the_lease(port)

    task.refresh_from_db()
    assert task.return_value == "sent again after a worker stopped", output
    claim.refresh_from_db()
    assert claim.status == SentMessage.Status.SENT
    assert inbox.ids() == {f"<{claim.key}.0@127.0.0.1>": 1}


def _booking_task() -> DBTaskResult[Any, Any]:
    """Queue one booking email: a task whose run the SMTP server can hold or watch."""
    appointment = appointment_make(
        start=timezone.now() + dt.timedelta(days=3), notify_email="", email="t@example.org"
    )
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.BOOKED)
    return DBTaskResult.objects.get()


def test_a_worker_stopped_with_sigterm_mid_task_finishes_it_and_releases_its_lease(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    inbox, port = smtp
    task = _booking_task()
    with running_process(_worker_argv(), env=_env(port), log=log) as worker:

        def stop() -> None:
            # Sent while the worker waits for the server's answer: it is inside the task.
            inbox.on_data = None
            worker.send_signal(signal.SIGTERM)

        inbox.on_data = stop
        worker.wait(timeout=60)

    assert worker.returncode == 0, _output(log)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL, _output(log)
    assert len(inbox.messages) == 1
    assert SentMessage.objects.count() == 1
    assert not WorkerLease.objects.exists()


def test_a_worker_stopped_with_sigterm_while_idle_exits_and_releases_its_lease(
    transactional_db: None, smtp: tuple[Inbox, int], log: IO[bytes]
) -> None:
    _inbox, port = smtp
    task = _booking_task()
    with running_process(_worker_argv(), env=_env(port), log=log) as worker:
        # A finished task shows the worker is in its loop, past taking its lease.
        _wait_for(
            lambda: DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.SUCCESSFUL
            ).exists(),
            "the worker to run the queued task",
        )
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)

    assert worker.returncode == 0, _output(log)
    assert not WorkerLease.objects.exists()
