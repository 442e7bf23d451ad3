"""Shared set-up for the reminder benchmarks: a throw-away database with the demo practice.

The database is Django's test database for the configured DATABASE_URL (an SQLite file under
var/ by default; `test_<name>` on PostgreSQL), created and destroyed by the benchmark.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from confide.clients.models import ConsultationRequest  # noqa: E402
from confide.demo.loading import demo_load  # noqa: E402
from confide.notifications.reminders import reminders_schedule  # noqa: E402
from confide.practice.models import Clinician  # noqa: E402
from confide.scheduling.models import Appointment, AppointmentType  # noqa: E402


@contextmanager
def bench_database() -> Iterator[str]:
    """Create a fresh database with the demo practice; yield its vendor; drop it afterwards."""
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        demo_load(password="bench-password-0123")  # noqa: S106 - a throw-away database
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def appointments_make(count: int, *, start: dt.datetime, texts_every: int = 0) -> list[int]:
    """Insert ``count`` confirmed appointments an hour apart, each with its own person."""
    clinician = Clinician.objects.get(slug="hannah-brenner")
    kind = AppointmentType.objects.filter(clinician=clinician).order_by("pk").first()
    assert kind is not None
    people = ConsultationRequest.objects.bulk_create(
        ConsultationRequest(
            clinician=clinician,
            name=f"Bench Person {i}",
            email=f"p{i}@example.org",
            phone="(212) 555-0142",
            may_text=bool(texts_every and i % texts_every == 0),
            time_zone="America/New_York",
        )
        for i in range(count)
    )
    rows = []
    for i, person in enumerate(people):
        begins = start + dt.timedelta(hours=i)
        ends = begins + dt.timedelta(minutes=50)
        rows.append(
            Appointment(
                clinician=clinician,
                appointment_type=kind,
                format=Appointment.Format.VIDEO,
                start=begins,
                end=ends,
                busy_start=begins,
                busy_end=ends,
                status=Appointment.Status.CONFIRMED,
                consultation=person,
            )
        )
    made = Appointment.objects.bulk_create(rows, batch_size=500)
    return [a.pk for a in made]


def reminders_make(appointment_ids: list[int], *, now: dt.datetime) -> None:
    """Schedule reminders exactly as a booking does, in batches of one transaction each."""
    appointments = Appointment.objects.select_related("clinician", "consultation")
    for first in range(0, len(appointment_ids), 500):
        with transaction.atomic():
            for appointment in appointments.filter(pk__in=appointment_ids[first : first + 500]):
                reminders_schedule(appointment=appointment, now=now)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )


def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)
