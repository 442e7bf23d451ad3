"""The query that finds due reminders, with 1,000 and 10,000 upcoming appointments.

Run from the repository root: python bench/reminders_query.py
(DATABASE_URL=postgres://... for PostgreSQL, where the plan comes from EXPLAIN ANALYZE).
Each appointment gets its reminders as a booking would (email, and a text for every third
person); a history of sent reminders is added too, which the partial index leaves out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from django.db import connection, transaction
from reminders_common import (
    appointments_make,
    bench_database,
    machine,
    now,
    reminders_make,
)

from confide.notifications.models import Reminder


def _claim_query(at: dt.datetime):  # type: ignore[no-untyped-def]
    # Exactly the claim's read (confide/notifications/reminders.py: reminders_claim).
    return (
        Reminder.objects.due(at)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:50]
    )


def _time(at: dt.datetime, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            list(_claim_query(at))
            runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def _plan(at: dt.datetime) -> str:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return str(_claim_query(at).explain(analyze=True, buffers=True))
        return str(_claim_query(at).explain())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with bench_database() as vendor:
        start = now() + dt.timedelta(days=3)
        total = 0
        for size in (1_000, 10_000):
            ids = appointments_make(
                size - total, start=start + dt.timedelta(hours=total), texts_every=3
            )
            reminders_make(ids, now=now())
            total = size
            # A past: as many reminders already sent as are waiting.
            waiting = Reminder.objects.filter(status=Reminder.Status.PENDING).count()
            Reminder.objects.filter(status=Reminder.Status.SENT).delete()
            sent = [
                Reminder(
                    kind=r.kind,
                    appointment_id=r.appointment_id,
                    clinician_id=r.clinician_id,
                    recipient_key=r.recipient_key + ":old",
                    channel=r.channel,
                    offset_minutes=r.offset_minutes,
                    due_at=r.due_at - dt.timedelta(days=400),
                    send_at=r.send_at - dt.timedelta(days=400),
                    status=Reminder.Status.SENT,
                )
                for r in Reminder.objects.filter(status=Reminder.Status.PENDING)
            ]
            Reminder.objects.bulk_create(sent, batch_size=1000)
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE notifications_reminder")
            # About fifty due now: the first appointments' 48-hour reminders, and a few 2-hour ones.
            at = start + dt.timedelta(hours=1, minutes=30)
            due = Reminder.objects.due(at).count()
            print(
                f"\n{vendor}: {size} upcoming appointments, {waiting} waiting reminders, "
                f"{len(sent)} sent ones, {due} due now"
            )
            print(f"claim query median: {_time(at, args.repeat):.3f} ms ({args.repeat} runs)")
            print(_plan(at))


if __name__ == "__main__":
    main()
