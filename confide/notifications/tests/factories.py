"""Appointments made directly, for tests of messages and calendar files (not of booking)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.tasks import TaskContext, TaskResult

from confide.clients.models import ConsultationRequest
from confide.notifications.tasks import send_appointment_message
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType

ROOT = Path(__file__).resolve().parents[3]
NEW_YORK = ZoneInfo("America/New_York")
# Words that would tell a reader what the appointment is about.
FORBIDDEN_WORDS = [
    "therapy",
    "therapist",
    "counseling",
    "counselling",
    "psychotherapy",
    "session",
    "consultation",
    "emdr",
    "hypnosis",
    "somatic",
    "mental",
    "lcsw",
]


def words_outside_links(text: str) -> str:
    """Return the text in lower case with its links blanked out.

    Links carry random tokens, which now and then spell a short word by chance ("...lemdrra...");
    where links may point is checked by the link tests, so discretion reads the words around them.
    """
    return re.sub(r"https?://\S+", " ", text).lower()


NOTE_CANARY = "CANARY-NOTE-4f1d I keep feeling ashamed"
NAME = "Zelda Quintrell"
TYPE_NAME = "Canary kind of appointment"


def new_york(text: str) -> dt.datetime:
    """Parse '2027-03-15 10:00' as wall-clock time in New York."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def appointment_make(
    *,
    start: dt.datetime,
    minutes: int = 50,
    fmt: Appointment.Format = Appointment.Format.VIDEO,
    status: Appointment.Status = Appointment.Status.CONFIRMED,
    email: str = "zq@example.org",
    wants_calendar_file: bool = False,
    notify_email: str = "hb-notices@example.org",
) -> Appointment:
    """Return a saved appointment with the demo clinician, with a canary note and name."""
    clinician = Clinician.objects.get(slug="hannah-brenner")
    if clinician.notify_email != notify_email:
        clinician.notify_email = notify_email
        clinician.save(update_fields=["notify_email"])
    kind, _ = AppointmentType.objects.get_or_create(
        clinician=clinician,
        slug=f"canary-{minutes}",
        defaults={
            "name": TYPE_NAME,
            "duration_minutes": minutes,
            "in_person": True,
            "video": True,
            "phone": True,
        },
    )
    consultation = ConsultationRequest(
        clinician=clinician,
        name=NAME,
        email=email,
        phone="" if email else "(212) 555-0123",
        may_email=bool(email),
        wants_calendar_file=wants_calendar_file,
    )
    # A sealed property, not a field: set it on the instance rather than through create().
    consultation.note = NOTE_CANARY
    consultation.save()
    return Appointment.objects.create(
        clinician=clinician,
        appointment_type=kind,
        format=fmt,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        status=status,
        consultation=consultation,
    )


def message_task_run(
    appointment_id: int, event: str, audience: str, *, task: TaskResult[Any, str] | None = None
) -> str:
    """Run an appointment message's task here, with its context, as a worker would.

    Without ``task`` it queues a new one (its row stays waiting); pass one to run it again.
    """
    task = task or send_appointment_message.enqueue(appointment_id, event, audience)
    # The function itself, as Task.call would run it: the type stubs leave the context out of
    # call()'s parameters.
    outcome: str = send_appointment_message.func(
        TaskContext(task_result=task), appointment_id, event, audience
    )
    return outcome


def ical_js(path: Path) -> dict[str, Any]:
    """Return what ical.js (Mozilla's calendar parser) reads from a calendar file."""
    node = shutil.which("node")
    assert node, "node is missing; `make test` needs Node.js for ical.js"
    assert (ROOT / "node_modules" / "ical.js").exists(), "run `npm ci` to install ical.js"
    result = subprocess.run(
        [node, str(ROOT / "e2e" / "ical" / "parse.mjs"), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed
