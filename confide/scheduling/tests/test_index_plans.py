"""The queries that busy time, the calendar and the overlap guard make read through their indexes.

SQLite's plans are read here (EXPLAIN QUERY PLAN); PostgreSQL's, which depend on its statistics,
are in docs/benchmarks.md ("Ten years of records").
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confide.clients.models import ClinicalNote
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans"),
]
NOW = dt.datetime(2027, 3, 15, 14, tzinfo=dt.UTC)


def _trigger_lookup() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            ["appointment_no_overlap_insert"],
        )
        trigger = str(cursor.fetchone()[0])
    lookup = trigger[trigger.index("SELECT 1") : trigger.index("BEGIN")].rstrip().removesuffix(")")
    for name, value in [("NEW.clinician_id", "1"), ("NEW.id", "NULL"),
                        ("NEW.busy_start", "'2027-03-15 14:00:00'"),
                        ("NEW.busy_end", "'2027-03-15 15:00:00'")]:  # fmt: skip
        lookup = lookup.replace(name, value)
    return lookup


def test_the_overlap_triggers_lookup_reads_only_appointments_ending_after_the_new_start(
    demo: None,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + _trigger_lookup())
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING INDEX appointment_busy_end (clinician_id=? AND busy_end>?)" in plan


def test_busy_time_reads_from_the_windows_start_on(demo: None) -> None:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    busy = Appointment.objects.active().filter(
        clinician=clinician, busy_start__lt=NOW + dt.timedelta(days=29), busy_end__gt=NOW
    )
    assert "USING INDEX appointment_busy_end (clinician_id=? AND busy_end>?)" in (busy.explain())


def test_a_clinicians_week_reads_a_range_of_their_starts(demo: None) -> None:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    week = Appointment.objects.filter(
        clinician=clinician, start__gte=NOW, start__lt=NOW + dt.timedelta(days=7)
    ).order_by("start")
    assert "USING INDEX appointment_clinician_start (clinician_id=? AND start>? AND start<?)" in (
        week.explain()
    )


def test_todays_drafts_read_only_the_authors_unsigned_notes_in_order(demo: None) -> None:
    drafts = ClinicalNote.objects.filter(signed_at__isnull=True, author_id=1).order_by("created_at")
    plan = drafts.explain()
    assert "USING INDEX note_author_drafts (author_id=?)" in plan
    assert "TEMP B-TREE" not in plan


def test_the_sessions_a_note_may_be_for_are_read_through_the_clients_own_index(
    demo: None,
) -> None:
    from confide.office.note_details import _sessions
    from confide.office.tests.factories import client_of

    client = client_of(Clinician.objects.get(slug="hannah-brenner"))
    with CaptureQueriesContext(connection) as queries:
        _sessions(client, now=NOW, keep=None)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "(client_id=?)" in plan
    assert "appointment_status_start" not in plan


def test_todays_sessions_without_a_signed_note_are_one_range_of_an_index(demo: None) -> None:
    clinician = Clinician.objects.get(slug="hannah-brenner")
    unnoted = Appointment.objects.filter(
        clinician=clinician,
        outcome=Appointment.Outcome.ATTENDED,
        noted_at__isnull=True,
        client__isnull=False,
    ).order_by("-start")[:10]
    plan = unnoted.explain()
    assert "USING INDEX appointment_unnoted (clinician_id=? AND outcome=? AND noted_at=?)" in plan
    assert "TEMP B-TREE" not in plan
