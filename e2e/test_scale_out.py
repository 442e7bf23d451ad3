"""Two app servers and two workers on one PostgreSQL behind nginx; one of each dies mid-load.

The supported way to scale out: stateless gunicorn servers behind nginx, and workers, all on one
PostgreSQL. Many people book at once through nginx, each time with a form of their own (a booking
key); midway one app server is killed with all its processes, and one worker is killed in the
middle of sending a confirmation: the mail server has the whole message and has not accepted it.
The database then shows every booking made once and nothing left waiting, and the mail server
shows every message accepted once: the confirmation cut off with its worker arrives after the
kill, sent by the surviving worker under the Message-ID of the attempt that died.

nginx runs with the shipped site's upstream and proxy locations (docs/deploy/nginx-confide.conf),
on a loopback port, from a temporary folder. Run it alone (it is marked serial):

    DATABASE_URL=postgres://confide:confide@127.0.0.1:5432/confide \\
        .venv/bin/python -m pytest e2e/test_scale_out.py -m serial
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import email.message
import email.policy
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core import signing
from django.db import connection
from django.db.models import Exists, OuterRef
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.notifications.models import Reminder, SentMessage, WorkerLease
from confide.practice.models import Clinician, Practice
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import available_slots, bookable_window
from confide.scheduling.views import _PAYLOAD_SALT
from e2e import servers
from e2e.concurrency.visitors import Response, Visitor
from e2e.test_deploy_files import NGINX as SHIPPED_SITE
from e2e.test_deploy_files import directives, nginx_blocks

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Alone: the kills are timed against the load, which needs the machine to itself.
    pytest.mark.serial,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the scale-out is several servers and workers on one PostgreSQL; "
        "SQLite is for a single server",
    ),
]

NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
CLINICIAN = "hannah-brenner"
# Consultations are confirmed at once; first sessions wait for the clinician's approval.
KINDS = ("consultation", "first-session")
PEOPLE, BOOKINGS_EACH = 24, 3
# Per app server: two processes of four threads, so that requests are in flight at the kill.
WORKERS, THREADS = 2, 4
# A short lease, so that the surviving worker soon takes the dead one for dead; long enough that
# a busy machine never makes a live one look dead (its heartbeat comes every third of it).
LEASE = 5.0
# Bookings done before the kills: the rest of the load runs into them.
KILL_AFTER = PEOPLE * BOOKINGS_EACH // 3
# The test takes about 20 s on a two-core machine, 40 s when other work keeps it busy; each wait
# gives up at this bound, counted from the start (the servers' own start has one of its own).
BUDGET = 100.0
# How long the mail server holds back its answer to the worker that is killed meanwhile.
HOLD_TIMEOUT = 30.0
_MESSAGE_KEY = re.compile(r"^<([^@>]+)@[^>]+>$")
# A person whose request fails (no answer, or nginx's 502/503/504) sends it again, as a
# browser's reload would: the same form, so a confirm sent again carries the same booking key.
RESEND_STATUSES = frozenset({502, 503, 504})
ATTEMPTS = 6
_PAYLOAD = re.compile(r'<input type="hidden" name="payload" value="([^"]+)"')
# nginx's access log: when, what, and each app server it tried with that one's answer.
_LOG_FORMAT = "$msec $status $request_method $uri [$upstream_addr] [$upstream_status]"
_LOG_LINE = re.compile(r"^(\S+) (\d+) (\S+) (\S+) \[([^\]]*)\] \[([^\]]*)\]$")


@dataclass(frozen=True)
class Slot:
    kind: str
    start: dt.datetime


@dataclass
class Booking:
    """One person's booking of one slot, and what they saw."""

    slot: Slot
    email: str
    calendar: bool
    key: str = ""
    status: int = 0
    location: str = ""
    page_status: int = 0


@dataclass
class Load:
    bookings: list[Booking]
    done: int = 0
    resends: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def finished_one(self) -> None:
        with self.lock:
            self.done += 1

    def resent(self, why: str) -> None:
        with self.lock:
            self.resends[why] += 1


@dataclass
class Inbox:
    """An SMTP server's handler that keeps each message it accepts and can hold one unanswered.

    ``messages`` are the messages accepted, and ``accepted_at`` when each was (time.time()).
    When ``hold`` picks a message, the server has all of it and does not answer until the test
    sets ``released``: meanwhile its sender waits inside the task for the reply to DATA, and the
    message is not accepted. Once released, the server refuses it (a temporary failure), as one
    whose client went away never counts as delivered. Other connections go on meanwhile.
    """

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)
    hold: Callable[[email.message.EmailMessage], bool] | None = None
    held: queue.Queue[email.message.EmailMessage] = field(default_factory=queue.Queue)
    released: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        hold = self.hold
        if hold is not None and hold(message):
            self.hold = None
            self.held.put(message)
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait, HOLD_TIMEOUT)
            return "451 4.3.0 Not accepted: the sender went away"
        self.messages.append(message)
        self.accepted_at.append(time.time())
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.released.set()
        controller.stop()


@pytest.fixture
def nginx() -> str:
    if not Path(NGINX).exists():
        # Failed, not skipped: a check that cannot run has not passed.
        pytest.fail(
            f"nginx is missing at {NGINX}; install it (apt-get install --no-install-recommends "
            "nginx; .ci/run does) or set NGINX to its path"
        )
    return NGINX


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _open_slots(count: int) -> list[Slot]:
    """Return open times of both public kinds that no two bookings can collide over.

    Days alternate between the kinds, and the times of a day keep clear of each other's buffers.
    Every time is far enough ahead that all its reminders are still to come.
    """
    now = timezone.now()
    earliest = now + max(Practice.load().reminder_offsets()) + dt.timedelta(hours=1)
    chosen: list[list[Slot]] = []
    for parity, kind in enumerate(KINDS):
        appointment_type = AppointmentType.objects.get(clinician__slug=CLINICIAN, slug=kind)
        tz = appointment_type.clinician.tz()
        # As of a few minutes ahead, so no time crosses the minimum notice during the test.
        later = now + dt.timedelta(minutes=10)
        first, last = bookable_window(appointment_type=appointment_type, now=later)
        slots: list[Slot] = []
        busy_until = earliest
        for start in available_slots(
            appointment_type=appointment_type, now=later, first_day=first, last_day=last
        ):
            busy_from = start - dt.timedelta(minutes=appointment_type.buffer_before_minutes)
            if start.astimezone(tz).date().toordinal() % 2 != parity or busy_from < busy_until:
                continue
            slots.append(Slot(kind, start))
            busy_until = (
                start
                + appointment_type.duration
                + dt.timedelta(minutes=appointment_type.buffer_after_minutes)
            )
        chosen.append(slots)
    mixed = [slot for pair in zip(*chosen, strict=False) for slot in pair]
    assert len(mixed) >= count, f"only {len(mixed)} open times to book"
    return mixed[:count]


def _nginx_config(directory: Path, port: int, upstreams: list[int]) -> str:
    """Return an nginx configuration with the shipped site's app servers and proxy locations.

    The upstream block and the two locations that proxy to it are the shipped site's own; only
    the server addresses change, to the test's, and the site listens on plain HTTP on loopback.
    """
    site = SHIPPED_SITE.read_text()
    (upstream,) = [body for name, body in nginx_blocks(site, r"upstream\s+confide_app")]
    shipped = re.search(r"server 127\.0\.0\.1:8000 ([^;]*);", upstream)
    assert shipped, "the shipped upstream names 127.0.0.1:8000"
    addresses = "".join(f"    server 127.0.0.1:{p} {shipped.group(1)};\n" for p in upstreams)
    upstream = re.sub(r"server [^;]*;", "", upstream)
    (_, _plain), (_, tls) = nginx_blocks(site, r"server")
    proxied = [
        f"{name} {{{body}}}"
        for name, body in nginx_blocks(tls, r'location\s+(?:~\s+"[^"]*"|\S+)')
        if "proxy_pass http://confide_app" in body
    ]
    assert len(proxied) == 2, "the booking steps' location and location /"
    booking, rest = (directives(location.split("{", 1)[1]) for location in proxied)
    # The booking steps are proxied as everything else is, and may also be sent again.
    assert booking == ["proxy_next_upstream error timeout non_idempotent", *rest]
    temp = "\n".join(
        f"    {kind}_temp_path {directory}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Started as root (CI), nginx's workers would run as nobody, who cannot enter the private
    # temporary folder that holds their buffers; this nginx listens on loopback for seconds.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"    log_format scale '{_LOG_FORMAT}';\n"
        f"    access_log {directory}/access.log scale;\n"
        f"{temp}\n"
        f"    upstream confide_app {{\n{addresses}{upstream}}}\n"
        "    server {\n"
        f"        listen 127.0.0.1:{port};\n" + "\n".join(proxied) + "\n    }\n}\n"
    )


@contextlib.contextmanager
def _run_nginx(binary: str, directory: Path, upstreams: list[int]) -> Iterator[str]:
    port = _free_port()
    config = directory / "nginx.conf"
    config.write_text(_nginx_config(directory, port, upstreams))
    argv = [binary, "-p", str(directory), "-c", str(config), "-e", str(directory / "error.log")]
    argv += ["-g", f"daemon off; pid {directory}/nginx.pid;"]
    with servers.running_process(argv, env={}) as process:
        deadline = time.monotonic() + servers.START_TIMEOUT
        while True:
            error_log = directory / "error.log"
            assert process.poll() is None, error_log.read_text() if error_log.exists() else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"nginx did not listen on {port}"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"


def _shown(page: Response) -> str:
    """Return the words of a page's main part, for a failure's message."""
    main = page.body.split("<main", 1)[-1].split("</main>", 1)[0]
    return f"{page.status}: " + " ".join(re.sub(r"<[^>]+>", " ", main).split())[:1500]


def _answered(load: Load, send: Callable[[], Response]) -> Response:
    """Send a request until an app server answers it, as a person pressing reload would."""
    for _ in range(ATTEMPTS):
        try:
            response = send()
        except (OSError, http.client.HTTPException) as error:
            load.resent(type(error).__name__)
        else:
            if response.status not in RESEND_STATUSES:
                return response
            load.resent(str(response.status))
        time.sleep(0.2)
    raise AssertionError(f"no answer after {ATTEMPTS} attempts")


def _book(base_url: str, load: Load, booking: Booking) -> None:
    """Go through the details and confirm steps as a person, and open the page shown after."""
    person = Visitor(base_url)
    query = urlencode(
        {
            "start": booking.slot.start.isoformat().replace("+00:00", "Z"),
            "format": "video",
            "tz": "America/New_York",
        }
    )
    steps = f"/book/{CLINICIAN}/{booking.slot.kind}"
    details = f"{steps}/details/?{query}"
    form = {
        "name": booking.email.split("@")[0].title(),
        "email": booking.email,
        "may_email": "on",
        "for_couple": "0",
        **({"wants_calendar_file": "on"} if booking.calendar else {}),
    }
    page = _answered(load, lambda: person.get(details))
    assert page.status == 200, _shown(page)
    page = _answered(load, lambda: person.post(details, form))
    found = _PAYLOAD.search(page.body)
    assert page.status == 200, _shown(page)
    assert found, _shown(page)
    payload = found.group(1)
    booking.key = signing.loads(payload, salt=_PAYLOAD_SALT)["key"]

    confirm = f"{steps}/confirm/?tz=America%2FNew_York"
    answer = _answered(load, lambda: person.post(confirm, {"payload": payload}))
    booking.status, booking.location = answer.status, answer.location
    if answer.status == 302:
        booking.page_status = _answered(load, lambda: person.get(answer.location)).status
    load.finished_one()


def _wait_for(condition: Callable[[], bool], what: str, deadline: float) -> None:
    """Wait until ``condition`` holds, or fail at ``deadline`` (a time.monotonic() value)."""
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _task_workers() -> set[str]:
    """Return the id of every worker that has claimed a task."""
    return {w for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for w in ids}


def _kill_the_worker_holding(
    message: email.message.EmailMessage, keys: dict[str, str]
) -> tuple[str, int]:
    """SIGKILL the worker whose running task sends ``message``; return the task's id and pid."""
    appointment = Appointment.objects.get(booking_key=keys[str(message["To"])])
    (task,) = [
        task
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if task.args_kwargs["args"][0] == appointment.pk and task.args_kwargs["args"][2] == "person"
    ]
    lease = WorkerLease.objects.get(worker_id=task.worker_ids[-1])
    assert lease.pid is not None
    os.kill(lease.pid, signal.SIGKILL)
    return str(task.pk), lease.pid


def _overlapping_active() -> list[int]:
    other = (
        Appointment.objects.active()
        .filter(
            clinician=OuterRef("clinician"),
            busy_start__lt=OuterRef("busy_end"),
            busy_end__gt=OuterRef("busy_start"),
        )
        .exclude(pk=OuterRef("pk"))
    )
    return list(Appointment.objects.active().filter(Exists(other)).values_list("pk", flat=True))


@dataclass(frozen=True)
class Logged:
    at: float
    status: int
    method: str
    tried: list[str]


def _nginx_log(path: Path) -> list[Logged]:
    entries = []
    for line in path.read_text().splitlines():
        found = _LOG_LINE.match(line)
        assert found, line
        tried = [a.strip() for a in re.split(r"[,:] (?=\d)", found.group(5)) if a.strip()]
        entries.append(Logged(float(found.group(1)), int(found.group(2)), found.group(3), tried))
    return entries


def _message_key(message: email.message.EmailMessage) -> str:
    """Return the random part of a message's Message-ID: its claim's key and recipient index."""
    found = _MESSAGE_KEY.match(str(message["Message-ID"]))
    assert found, message["Message-ID"]
    return found.group(1)


def _text(message: email.message.EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, email.message.EmailMessage)
    return str(body.get_content())


@pytest.mark.usefixtures("demo")
def test_bookings_survive_an_app_server_and_a_worker_killed_mid_load(
    tmp_path: Path, nginx: str, smtp: tuple[Inbox, int]
) -> None:
    inbox, smtp_port = smtp
    # A morning agenda due while the test runs would be one more message to the clinician.
    Clinician.objects.update(morning_agenda=False)
    # Open times are offered from the end of each busy stretch, every slot step. Without buffers
    # a booking ends on that grid, so each person's time stays on offer whatever order the
    # others' bookings land in; with them, a neighbour's booking would shift it off the grid.
    AppointmentType.objects.filter(clinician__slug=CLINICIAN, slug__in=KINDS).update(
        buffer_before_minutes=0, buffer_after_minutes=0
    )
    slots = _open_slots(PEOPLE * BOOKINGS_EACH)
    load = Load(
        [
            Booking(slot, f"visitor{n}@example.org", calendar=n % 2 == 0)
            for n, slot in enumerate(slots)
        ]
    )
    app_env = servers.test_server_environment(TRUSTED_PROXY_COUNT="1", BOOKING_RATE_LIMIT="100000")
    worker_env = servers.test_server_environment(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")
    worker_argv = [sys.executable, "manage.py", "confide_worker", "--no-startup-delay"]
    worker_argv += ["--no-reload", "--interval", "0.1", "--lease-seconds", str(LEASE)]
    started = time.monotonic()

    with contextlib.ExitStack() as stack:
        logs = [stack.enter_context((tmp_path / f"worker{n}.log").open("w+b")) for n in (1, 2)]
        workers = [
            stack.enter_context(servers.running_process(worker_argv, env=worker_env, log=log))
            for log in logs
        ]
        apps = [
            stack.enter_context(
                servers.run_gunicorn_process(
                    env=app_env, workers=WORKERS, threads=THREADS, server_log=tmp_path / f"a{n}.log"
                )
            )
            for n in range(2)
        ]
        ports = [urlsplit(url).port or 0 for url, _ in apps]
        base_url = stack.enter_context(_run_nginx(nginx, tmp_path, ports))
        deadline = started + BUDGET
        _wait_for(lambda: WorkerLease.objects.count() == 2, "both workers to start", deadline)
        worker_pids = {process.pid for process in workers}
        assert set(WorkerLease.objects.values_list("pid", flat=True)) == worker_pids
        setup = time.monotonic() - started

        pool = stack.enter_context(ThreadPoolExecutor(max_workers=PEOPLE))
        # On the way out (a failure) people stop after the booking in hand, before the
        # servers stop; and a held message is let go, so its worker can stop.
        stop = threading.Event()
        stack.callback(stop.set)
        stack.callback(inbox.released.set)

        def person(bookings: list[Booking]) -> None:
            for booking in bookings:
                if not stop.is_set():
                    _book(base_url, load, booking)

        futures = [pool.submit(person, load.bookings[n::PEOPLE]) for n in range(PEOPLE)]

        def failed() -> bool:
            return any(f.done() and f.exception() for f in futures)

        # Midway, and once both workers have taken tasks: each holds part of the work.
        _wait_for(
            lambda: failed() or (load.done >= KILL_AFTER and len(_task_workers()) == 2),
            "the load to get going on both workers",
            deadline,
        )
        for future in futures:
            if future.done():
                future.result()
        assert load.done < len(load.bookings), "the load ended before the kills"
        assert _task_workers() == set(WorkerLease.objects.values_list("worker_id", flat=True))
        killed_at = time.time()
        dead_url, dead_server = apps[0]
        os.killpg(dead_server.pid, signal.SIGKILL)
        dead_server.wait(timeout=10)

        # The next confirmation to a person that reaches the mail server is held with no
        # answer to DATA, and the worker sending it is killed: the server has the message and
        # has not accepted it, the claim says "sending", and the task is still running.
        inbox.hold = lambda message: any(
            b.email == str(message["To"]) and b.key for b in load.bookings
        )
        try:
            held = inbox.held.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail("no confirmation to a person reached the mail server after the kill")
        keys = {b.email: b.key for b in load.bookings if b.key}
        handed_over, victim_pid = _kill_the_worker_holding(held, keys)
        assert victim_pid in worker_pids
        victim = next(w for w in workers if w.pid == victim_pid)
        victim.wait(timeout=10)
        worker_killed_at = time.time()
        held_claim = SentMessage.objects.get(
            appointment__booking_key=keys[str(held["To"])], audience="person"
        )
        assert (held_claim.status, held_claim.claimed_by_task) == ("sending", handed_over)
        assert str(held["Message-ID"]) not in {str(m["Message-ID"]) for m in inbox.messages}
        inbox.released.set()
        survivor = next(w for w in workers if w is not victim)

        done, _ = wait(
            futures, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_EXCEPTION
        )
        for future in done:
            future.result()
        assert len(done) == PEOPLE, f"{load.done} of {len(load.bookings)} bookings finished"
        loaded = time.monotonic() - started

        expected_tasks = 2 * len(load.bookings)  # the person's message and the clinician's
        _wait_for(
            lambda: (
                DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()
                == expected_tasks
            ),
            "the surviving worker to run every task",
            deadline,
        )
        assert survivor.poll() is None
        settled = time.monotonic() - started
    print(
        f"Set up in {setup:.1f} s, load done at {loaded:.1f} s, messages at {settled:.1f} s; "
        f"people sent again: {dict(load.resends)}"
    )

    # Every person saw their booking, and the database holds exactly those, once each.
    by_key = {b.key: b for b in load.bookings}
    assert len(by_key) == len(load.bookings)
    assert [b for b in load.bookings if (b.status, b.page_status) != (302, 200)] == []
    appointments = list(Appointment.objects.select_related("appointment_type"))
    assert sorted(a.booking_key or "" for a in appointments) == sorted(by_key)
    for appointment in appointments:
        booking = by_key[appointment.booking_key or ""]
        token = booking.location.removeprefix("/booked/").split("/", 1)[0]
        assert Appointment.key_from_manage_token(token) == appointment.manage_key
        assert (appointment.appointment_type.slug, appointment.start) == (
            booking.slot.kind,
            booking.slot.start,
        )
        assert appointment.status == (
            Appointment.Status.CONFIRMED
            if booking.slot.kind == "consultation"
            else Appointment.Status.REQUESTED
        )
    assert _overlapping_active() == []

    # Every message once: claimed once, marked sent, and accepted once by the mail server,
    # under its claim's Message-ID.
    n = len(appointments)
    claims = list(SentMessage.objects.all())
    assert len(claims) == 2 * n
    assert {(m.appointment_id, m.audience) for m in claims} == {
        (a.pk, audience) for a in appointments for audience in ("person", "clinician")
    }
    assert {m.status for m in claims} == {SentMessage.Status.SENT}
    received = Counter(str(m["To"]) for m in inbox.messages)
    assert received == {"hannah@example.org": n, **{b.email: 1 for b in load.bookings}}
    accepted = Counter(_message_key(m) for m in inbox.messages)
    assert accepted == Counter(f"{m.key}.0" for m in claims)

    # The held confirmation, never accepted from the worker that died, was accepted once after
    # the kill, sent again under the same Message-ID by the task handed to the survivor.
    [(again, again_at)] = [
        (m, at)
        for m, at in zip(inbox.messages, inbox.accepted_at, strict=True)
        if m["Message-ID"] == held["Message-ID"]
    ]
    assert again_at > worker_killed_at
    assert (again["To"], again["Subject"]) == (held["To"], held["Subject"])
    assert _message_key(held) == f"{held_claim.key}.0"
    held_claim.refresh_from_db()
    assert (held_claim.status, held_claim.claimed_by_task) == ("sent", handed_over)
    assert held_claim.sent_at is not None
    assert held_claim.sent_at.timestamp() > worker_killed_at
    for message in inbox.messages:
        if message["To"] != "hannah@example.org":
            key = next(b.key for b in load.bookings if b.email == message["To"])
            appointment = next(a for a in appointments if a.booking_key == key)
            assert appointment.get_manage_url() in _text(message)

    # Nothing waits or runs; the dead worker's task was handed over and sent its message again.
    assert Counter(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL: 2 * n
    }
    assert Counter(DBTaskResult.objects.values_list("return_value", flat=True)) == {
        "sent": 2 * n - 1,
        "sent again after a worker stopped": 1,
    }
    task = DBTaskResult.objects.get(pk=handed_over)
    assert task.return_value == "sent again after a worker stopped"
    assert len(task.worker_ids) == 2
    assert task.worker_ids[0] != task.worker_ids[1]
    # The dead worker's lease was swept; the survivor, stopped with SIGTERM, gave back its own.
    assert not WorkerLease.objects.exists()

    # Reminders planned once for each confirmed appointment, none for those awaiting approval.
    offsets = sorted(int(o.total_seconds() // 60) for o in Practice.load().reminder_offsets())
    for appointment in appointments:
        planned = sorted(
            Reminder.objects.filter(appointment=appointment).values_list(
                "channel", "offset_minutes", "status"
            )
        )
        if appointment.status == Appointment.Status.CONFIRMED:
            assert planned == [("email", o, "pending") for o in offsets]
        else:
            assert planned == []

    # nginx used both app servers before the kill, tried the dead one after it (the kill cut
    # into the load), and answered everything since from the survivor alone.
    dead = f"127.0.0.1:{urlsplit(dead_url).port}"
    entries = _nginx_log(tmp_path / "access.log")
    before = {e.tried[-1] for e in entries if e.at < killed_at}
    assert len(before) == 2, before
    taken_away = [e for e in entries if e.at > killed_at and dead in e.tried]
    assert taken_away
    # Requests the dead server had been sent and had not answered: the kill cut into the load,
    # and nginx sent them again to the survivor (booking POSTs included, by the shipped site).
    cut_off = [
        line.split('request: "', 1)[1].split("?", 1)[0]
        for line in (tmp_path / "error.log").read_text().splitlines()
        if "while reading response header from upstream" in line
    ]
    assert cut_off, "no request was in flight on the killed server"
    print(f"In flight on the killed server and sent again by nginx: {Counter(cut_off)}")
    assert [e for e in entries if e.at > killed_at + 1 and e.tried[-1] == dead] == []
