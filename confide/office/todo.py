"""Today's to-do list: sessions unrecorded or without a signed note, late drafts, estimates owed.

Each list is one query, capped, with its count beside it (counted up to 99), so the page costs
the same with ten sessions waiting or a thousand.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from confide.accounts.sessions import AnyUser
from confide.billing.estimates import estimates_due
from confide.clients.models import Client, ClinicalNote
from confide.intake.services import outstanding, outstanding_progress
from confide.plans.services import reviews_due
from confide.practice.models import Clinician, Practice
from confide.records.models import RecordRequest
from confide.scheduling.models import Appointment

SHOWN = 10
# Counted up to here and no further: the count of years of sessions without a note would read
# them all on every visit to Today.
COUNTED = 99


@dataclass
class Listed:
    """Up to ``SHOWN`` rows of a list, and how many there are in all."""

    rows: list[Any] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def total_label(self) -> str:
        """Return the count as shown: exact up to ``COUNTED``, "99+" beyond."""
        return f"{COUNTED}+" if self.total > COUNTED else str(self.total)

    @property
    def more_label(self) -> str:
        """Return how many are not shown, as shown: "more than 89" when not counted to the end."""
        if self.total > COUNTED:
            return f"more than {COUNTED - len(self.rows)}"
        return str(self.more)

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class ToDo:
    unrecorded: Listed
    unnoted: Listed
    late_drafts: Listed
    draft_limit_hours: int
    sign_within_days: int | None
    estimates_due: list[Any] = field(default_factory=list)
    today: dt.date | None = None
    # Clients with intake paperwork sent and not yet signed.
    paperwork: Listed = field(default_factory=Listed)
    # Requests to correct or delete a record, waiting for an answer (what they say is not here).
    record_requests: Listed = field(default_factory=Listed)
    # Treatment plans in force whose review date has come (clinical staff only).
    plan_reviews: Listed = field(default_factory=Listed)

    def __bool__(self) -> bool:
        return bool(
            self.unrecorded
            or self.unnoted
            or self.late_drafts
            or self.estimates_due
            or self.paperwork
            or self.record_requests
            or self.plan_reviews
        )


def _listed(rows: QuerySet[Any]) -> Listed:
    shown = list(rows[:SHOWN])
    total = len(shown) if len(shown) < SHOWN else rows.order_by()[: COUNTED + 1].count()
    return Listed(rows=shown, total=total)


def todo_for(user: AnyUser, *, mine: Clinician | None, clinical: bool, now: dt.datetime) -> ToDo:
    """Return what the user should see to: ``mine`` limits sessions to their own clinician's.

    Notes are listed only for someone with clinical access: a practice manager records who came
    but never sees a note, nor which sessions lack one.
    """
    practice = Practice.load()
    sessions = Appointment.objects.visible_to(user)
    if mine is not None:
        sessions = sessions.filter(clinician=mine)
    unrecorded = _listed(
        # Over, and nobody said what happened (a session under way is on the day's list).
        sessions.filter(status=Appointment.Status.CONFIRMED, end__lte=now)
        .select_related("client", "consultation", "appointment_type", "clinician")
        .order_by("-start")
    )
    unnoted = late_drafts = Listed()
    if clinical and mine is not None:
        unnoted = _listed(
            # A consultation has no client record to write a note in. ``noted_at`` is set when
            # a progress note for the session is signed (scheduling.attendance.session_noted).
            sessions.filter(
                outcome=Appointment.Outcome.ATTENDED, noted_at__isnull=True, client__isnull=False
            )
            .select_related("client", "appointment_type")
            .order_by("-start")
        )
    if clinical:
        late_drafts = _listed(
            ClinicalNote.objects.visible_to(user)
            .filter(
                author_id=user.pk,
                signed_at__isnull=True,
                created_at__lt=now - dt.timedelta(hours=practice.draft_limit_hours),
            )
            .select_related("client", "appointment")
            .order_by("created_at")
        )
    if practice.sign_within_days is not None:
        # Past the practice's rule for signing: a session's note counts from the session, a
        # draft from the session it is for, or from when it was started.
        limit = dt.timedelta(days=practice.sign_within_days)
        for appointment in unnoted.rows:
            appointment.overdue = appointment.start + limit < now
        for note in late_drafts.rows:
            note.overdue = _note_date(note) + limit < now
    # Good Faith Estimates owed to self-pay clients (none while billing is off).
    clients = Client.objects.visible_to(user)
    if mine is not None:
        clients = clients.filter(clinician=mine)
    today = timezone.localtime(now, zoneinfo.ZoneInfo(practice.time_zone)).date()
    paperwork = _listed(
        outstanding(clients).prefetch_related("people").order_by("display_name", "pk")
    )
    # How far each person is, for the shown clients only; the questionnaire for clinical eyes.
    outstanding_progress(paperwork.rows, with_answers=clinical)
    return ToDo(
        unrecorded=unrecorded,
        unnoted=unnoted,
        late_drafts=late_drafts,
        draft_limit_hours=practice.draft_limit_hours,
        sign_within_days=practice.sign_within_days,
        estimates_due=estimates_due(clients, now=now, today=today),
        today=today,
        paperwork=paperwork,
        record_requests=_listed(
            RecordRequest.objects.filter(client__in=clients, status=RecordRequest.Status.WAITING)
            .select_related("client", "person")
            .order_by("created_at", "pk")
        ),
        plan_reviews=_listed(reviews_due(clients, today=today)) if clinical else Listed(),
    )


def _note_date(note: ClinicalNote) -> dt.datetime:
    return note.appointment.start if note.appointment is not None else note.created_at
