"""A phrase written into every clinical field never lands anywhere in clear."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.tasks import TaskContext
from django_tasks_db.models import DBTaskResult

from confide.audit.models import AuditEvent
from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.testing import sign_ready
from confide.notifications.models import OutboxMessage
from confide.practice.models import Clinician
from confide.scheduling.booking import appointment_book
from confide.scheduling.models import AppointmentType
from confide.scheduling.requests import ContactDetails
from confide.scheduling.selectors import appointments_for_export, available_slots, bookable_window

CANARY = "CANARY-7e2a-shame-at-night"
# Written into a plain column: the checks below must find it, or they prove nothing.
CONTROL = "CONTROL-91b3-plain-column"

pytestmark = pytest.mark.django_db(transaction=True)


def _write_everything(therapist: User) -> Client:
    kind = AppointmentType.objects.get(slug="consultation")
    from django.utils import timezone

    first, last = bookable_window(appointment_type=kind, now=timezone.now())
    start = available_slots(
        appointment_type=kind, now=timezone.now(), first_day=first, last_day=last
    )[0]
    appointment = appointment_book(
        appointment_type=kind,
        start=start,
        format="video",
        contact=ContactDetails(
            name="Kit",
            email="kit@example.org",
            note=f"{CANARY} request note",
            wants_calendar_file=True,
        ),
        now=timezone.now(),
        booking_key="canary",
    )
    assert appointment.consultation is not None
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[services.person_details_from_request(appointment.consultation)],
        display_name=CONTROL,
        clinician_id=Clinician.objects.get().pk,
        actor=therapist,
        request=None,
        consultation=appointment.consultation,
    )
    for kind_name in ("progress", "psychotherapy"):
        for template, sections in ClinicalNote.SECTIONS.items():
            note = services.note_create(
                client=client,
                kind=kind_name,
                template=template,
                sections={name: f"{CANARY} {kind_name} {name}" for name, _ in sections},
                author=therapist,
                request=None,
                details=services.NoteDetails(
                    risk="assessed",
                    risk_detail=f"{CANARY} risk",
                    others_present=f"{CANARY} also present",
                ),
            )
            services.note_sign(
                note=sign_ready(note), actor=therapist, request=None, now=timezone.now()
            )
            services.note_amend(
                note=note, text=f"{CANARY} amendment", actor=therapist, request=None
            )
    services.client_export(
        client=client, appointments=appointments_for_export(client),
        include_psychotherapy_notes=True, actor=therapist, request=None, now=timezone.now(),
    )  # fmt: skip
    return client


def _run_queued_tasks() -> None:
    for row in DBTaskResult.objects.all():
        call, task = row.args_kwargs, row.task
        if task.takes_context:
            # As a worker runs it: with the context of its own queued row.
            task.func(TaskContext(task_result=row.task_result), *call["args"], **call["kwargs"])
        else:
            task.call(*call["args"], **call["kwargs"])


def test_the_canary_is_in_no_table_file_dump_log_email_task_or_audit_entry(
    demo: None, caplog: pytest.LogCaptureFixture
) -> None:
    therapist = User.objects.get(username="therapist")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        client = _write_everything(therapist)
        _run_queued_tasks()
    finally:
        connection.force_debug_cursor = False

    # The record still reads back: the canary is there, sealed.
    assert all(
        CANARY in text
        for n in ClinicalNote.objects.filter(client=client)
        for text in n.sections.values()
    )
    assert CANARY in client.consultation.note  # type: ignore[union-attr]

    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert CANARY not in logged
    assert CONTROL in logged  # the SQL log was really on, parameters included
    assert CANARY not in repr(list(AuditEvent.objects.values()))
    assert CANARY not in repr(list(DBTaskResult.objects.values()))
    assert OutboxMessage.objects.exists() or mail.outbox
    assert CANARY not in repr(list(OutboxMessage.objects.values()))
    assert all(CANARY not in m.message().as_string() for m in mail.outbox)

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(FULL)")
        database = Path(str(settings.DATABASES["default"]["NAME"]))
        files = [p for p in database.parent.glob(database.name + "*") if p.is_file()]
        assert database in files
        contents = _read_elsewhere(files)
        assert CONTROL.encode() in contents
        assert CANARY.encode() not in contents
    else:
        dump = _pg_dump()
        assert CONTROL in dump
        assert CANARY not in dump


def _read_elsewhere(files: list[Path]) -> bytes:
    """Return the files' bytes, read by another process.

    Closing a file this process opened would drop every POSIX lock it holds on that file, its
    SQLite locks included; another process's reads leave them alone. Without them, the next
    process to close the database believes it was the last and removes the -wal and -shm files
    this process still uses, and its later connections fail with "disk I/O error".
    """
    result = subprocess.run(["cat", *map(str, files)], capture_output=True, check=True, timeout=60)
    return result.stdout


def _pg_dump() -> str:
    db = connection.settings_dict
    binary = shutil.which("pg_dump")
    assert binary, "pg_dump is needed for the PostgreSQL canary check"
    env = {**os.environ, "PGPASSWORD": str(db["PASSWORD"] or "")}
    host, port = str(db["HOST"] or "127.0.0.1"), str(db["PORT"] or 5432)
    command = [binary, "-h", host, "-p", port, "-U", str(db["USER"]), str(db["NAME"])]
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return result.stdout


@pytest.mark.parametrize("read_here", [False, True])
def test_reading_the_database_files_elsewhere_keeps_this_processs_locks(
    tmp_path: Path, read_here: bool
) -> None:
    database = tmp_path / "locks.sqlite3"
    mine = sqlite3.connect(database)
    mine.execute("PRAGMA journal_mode=WAL")
    mine.execute("CREATE TABLE t (x)")
    mine.commit()
    files = sorted(tmp_path.glob("locks.sqlite3*"))
    if read_here:
        b"".join(path.read_bytes() for path in files)  # the control: drops this process's locks
    else:
        _read_elsewhere(files)
    other = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('INSERT INTO t VALUES (1)'); c.commit(); c.close()"
    )
    subprocess.run([sys.executable, "-c", other, str(database)], check=True, timeout=60)

    # The other process knew this one still had the database open, and left its files.
    assert (tmp_path / "locks.sqlite3-shm").exists() is not read_here
    mine.close()
