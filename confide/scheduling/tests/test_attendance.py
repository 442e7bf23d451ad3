"""What happened to a session: every outcome, corrections, undo, couples, and late cancellations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.clients.services import PersonDetails, client_create
from confide.office.tests.factories import therapist_user
from confide.practice.models import Clinician, Practice
from confide.scheduling.attendance import awaits_outcome, outcome_record, outcome_undo
from confide.scheduling.changes import ChangePolicy, appointment_cancel
from confide.scheduling.errors import InsideCancellationWindow, NotChangeable, TimeTaken
from confide.scheduling.events import Event, appointment_changed
from confide.scheduling.models import Appointment
from confide.scheduling.tests.conftest import utc

pytestmark = pytest.mark.django_db

START = utc("2027-03-10 15:00")
Outcome = Appointment.Outcome
Status = Appointment.Status


@pytest.fixture
def therapist(clinician: Clinician) -> User:
    return therapist_user()


def _client(clinician: Clinician, *names: str) -> Client:
    return client_create(
        kind=Client.Kind.COUPLE if len(names) > 1 else Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name=name, email=f"{name.lower()}@example.org") for name in names],
        display_name=" & ".join(names),
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
    )


def _session(client: Client, start: dt.datetime = START, **values: Any) -> Appointment:
    kind = client.clinician.appointment_types.get(slug="individual")
    appointment = Appointment(
        clinician=client.clinician,
        appointment_type=kind,
        format=Appointment.Format.VIDEO,
        start=start,
        end=start + kind.duration,
        client=client,
        **values,
    )
    appointment.save()
    return appointment


@pytest.fixture
def sam(clinician: Clinician) -> Client:
    return _client(clinician, "Sam")


@pytest.fixture
def events() -> Iterator[list[Event]]:
    seen: list[Event] = []

    def record(sender: Any, *, event: Event, **kwargs: Any) -> None:
        seen.append(event)

    appointment_changed.connect(record)
    yield seen
    appointment_changed.disconnect(record)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome.ATTENDED, Status.COMPLETED),
        (Outcome.NO_SHOW, Status.NO_SHOW),
        (Outcome.LATE_CANCEL, Status.CANCELLED),
        (Outcome.CANCELLED_BY_CLIENT, Status.CANCELLED),
        (Outcome.CANCELLED_BY_PRACTICE, Status.CANCELLED),
    ],
)
def test_each_outcome_leaves_its_status_and_who_recorded_it(
    sam: Client, therapist: User, events: list[Event], outcome: Outcome, status: Status
) -> None:
    appointment = _session(sam)
    now = START + dt.timedelta(minutes=50)

    recorded = outcome_record(appointment=appointment, outcome=outcome, now=now, actor=therapist)

    recorded.refresh_from_db()
    assert (recorded.outcome, recorded.status) == (outcome, status)
    assert recorded.outcome_at == now
    assert recorded.outcome_by == therapist
    assert events == [Event.OUTCOME]
    entry = AuditEvent.objects.filter(client_uid=sam.uid).latest("pk")
    assert entry.summary == f"session outcome: {outcome.label.lower()}"


def test_nothing_can_be_recorded_before_the_start(sam: Client, therapist: User) -> None:
    appointment = _session(sam)
    before = START - dt.timedelta(seconds=1)

    with pytest.raises(NotChangeable, match="once the session has begun"):
        outcome_record(appointment=appointment, outcome="attended", now=before, actor=therapist)

    outcome_record(appointment=appointment, outcome="attended", now=START, actor=therapist)
    appointment.refresh_from_db()
    assert appointment.outcome == Outcome.ATTENDED


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Status.REQUESTED, "only requested"),
        (Status.RESCHEDULED, "was moved"),
        (Status.CANCELLED, "cancelled before its time"),
        (Status.DECLINED, "cancelled before its time"),
    ],
)
def test_only_a_confirmed_session_gets_an_outcome(
    sam: Client, therapist: User, status: Status, reason: str
) -> None:
    appointment = _session(sam, status=status)
    later = START + dt.timedelta(hours=1)

    with pytest.raises(NotChangeable, match=reason):
        outcome_record(appointment=appointment, outcome="attended", now=later, actor=therapist)


def test_an_outcome_can_be_corrected_and_the_record_says_what_it_was(
    sam: Client, therapist: User
) -> None:
    appointment = _session(sam)
    later = START + dt.timedelta(hours=1)
    outcome_record(appointment=appointment, outcome="late_cancel", now=later, actor=therapist)

    corrected = outcome_record(
        appointment=appointment, outcome="attended", now=later, actor=therapist
    )

    assert (corrected.outcome, corrected.status) == (Outcome.ATTENDED, Status.COMPLETED)
    entry = AuditEvent.objects.filter(client_uid=sam.uid).latest("pk")
    assert entry.summary == "session outcome: attended (was late cancellation)"


def test_undo_confirms_the_session_again_with_nothing_recorded(
    sam: Client, therapist: User, events: list[Event]
) -> None:
    appointment = _session(sam)
    later = START + dt.timedelta(hours=1)
    outcome_record(appointment=appointment, outcome="no_show", now=later, actor=therapist)

    undone = outcome_undo(appointment=appointment, now=later, actor=therapist)

    undone.refresh_from_db()
    assert (undone.outcome, undone.status) == ("", Status.CONFIRMED)
    assert undone.outcome_at is None
    assert undone.outcome_by is None
    assert awaits_outcome(undone, later)
    assert events == [Event.OUTCOME, Event.OUTCOME]
    with pytest.raises(NotChangeable, match="no outcome"):
        outcome_undo(appointment=appointment, now=later, actor=therapist)


def test_undoing_a_cancellation_whose_time_was_taken_is_refused(
    sam: Client, therapist: User, clinician: Clinician
) -> None:
    appointment = _session(sam)
    later = START + dt.timedelta(hours=2)
    outcome_record(appointment=appointment, outcome="by_client", now=later, actor=therapist)
    # The freed hour was given to someone else.
    _session(_client(clinician, "Lee"))

    with pytest.raises(TimeTaken):
        outcome_undo(appointment=appointment, now=later, actor=therapist)

    appointment.refresh_from_db()
    assert appointment.outcome == Outcome.CANCELLED_BY_CLIENT


def test_a_couple_records_who_came(clinician: Clinician, therapist: User) -> None:
    couple = _client(clinician, "Dana", "Kai")
    dana, kai = couple.people.order_by("order", "pk")
    appointment = _session(couple)
    later = START + dt.timedelta(hours=1)

    both = outcome_record(appointment=appointment, outcome="attended", now=later, actor=therapist)
    assert set(both.partners_present.all()) == {dana, kai}

    one = outcome_record(
        appointment=appointment, outcome="attended", now=later, actor=therapist, present=[kai]
    )
    assert list(one.partners_present.all()) == [kai]

    with pytest.raises(NotChangeable, match="at least one partner"):
        outcome_record(
            appointment=appointment, outcome="attended", now=later, actor=therapist, present=[]
        )

    other = outcome_record(appointment=appointment, outcome="no_show", now=later, actor=therapist)
    assert list(other.partners_present.all()) == []


def test_an_outcome_sends_no_message_and_plans_no_reminder(
    sam: Client, therapist: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    appointment = _session(sam)
    before = DBTaskResult.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        outcome_record(
            appointment=appointment,
            outcome="by_practice",
            now=START + dt.timedelta(hours=1),
            actor=therapist,
        )

    assert DBTaskResult.objects.count() == before


def test_the_database_refuses_an_outcome_that_disagrees_with_the_status(sam: Client) -> None:
    appointment = _session(sam)

    for outcome, status in [("attended", "cancelled"), ("no_show", "completed")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.filter(pk=appointment.pk).update(outcome=outcome, status=status)


# -- Cancellations made before the session --------------------------------------------------------


@pytest.fixture
def window(db: None) -> int:
    practice = Practice.load()
    practice.cancellation_window_hours = 24
    practice.save()
    return 24


@pytest.mark.parametrize(
    ("hours_before", "by", "outcome"),
    [
        (24, "client", Outcome.CANCELLED_BY_CLIENT),  # exactly the window: still in time
        (23.99, "client", Outcome.LATE_CANCEL),
        (2, "client", Outcome.LATE_CANCEL),
        (-0.25, "client", Outcome.LATE_CANCEL),  # after the start
        (72, "client", Outcome.CANCELLED_BY_CLIENT),
        (2, "practice", Outcome.CANCELLED_BY_PRACTICE),
        (72, "practice", Outcome.CANCELLED_BY_PRACTICE),
    ],
)
def test_an_office_cancellation_is_late_inside_the_practices_window(
    sam: Client, therapist: User, window: int, hours_before: float, by: Any, outcome: Outcome
) -> None:
    appointment = _session(sam)
    now = START - dt.timedelta(hours=hours_before)

    cancelled = appointment_cancel(
        appointment=appointment, now=now, policy=ChangePolicy.OFFICE, actor=therapist, by=by
    )

    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.outcome) == (Status.CANCELLED, outcome)
    assert cancelled.outcome_at == now


def test_a_cancellation_online_is_the_clients_and_never_late(sam: Client, window: int) -> None:
    appointment = _session(sam)

    with pytest.raises(InsideCancellationWindow):
        appointment_cancel(
            appointment=appointment, now=START - dt.timedelta(hours=3),
            policy=ChangePolicy.ONLINE,
        )  # fmt: skip
    cancelled = appointment_cancel(
        appointment=appointment, now=START - dt.timedelta(hours=30), policy=ChangePolicy.ONLINE
    )

    assert cancelled.outcome == Outcome.CANCELLED_BY_CLIENT
    assert cancelled.outcome_by is None


def test_a_cancellation_without_a_reason_records_no_outcome(sam: Client, window: int) -> None:
    appointment = _session(sam)

    cancelled = appointment_cancel(
        appointment=appointment, now=START - dt.timedelta(hours=3), policy=ChangePolicy.OFFICE
    )

    assert (cancelled.status, cancelled.outcome) == (Status.CANCELLED, "")


def test_a_cancellation_made_before_the_start_cannot_be_undone(
    sam: Client, therapist: User, window: int
) -> None:
    appointment = _session(sam)
    appointment_cancel(
        appointment=appointment, now=START - dt.timedelta(hours=3),
        policy=ChangePolicy.OFFICE, actor=therapist, by="client",
    )  # fmt: skip

    with pytest.raises(NotChangeable):
        outcome_undo(appointment=appointment, now=START - dt.timedelta(hours=2), actor=therapist)
    # Once its time has come the office may still correct what it recorded.
    corrected = outcome_undo(
        appointment=appointment, now=START + dt.timedelta(minutes=1), actor=therapist
    )
    assert corrected.status == Status.CONFIRMED


def test_signing_a_progress_note_for_the_session_notes_it_once(
    sam: Client, therapist: User
) -> None:
    from confide.clients.services import NoteDetails, note_create, note_sign
    from confide.clients.testing import sign_ready

    appointment = _session(sam)
    later = START + dt.timedelta(hours=1)
    outcome_record(appointment=appointment, outcome="attended", now=later, actor=therapist)

    def note(kind: str) -> Any:
        return note_create(
            client=sam, kind=kind, template="free", sections={"text": "Notes."},
            author=therapist, request=None,
            details=NoteDetails(appointment_id=appointment.pk),
        )  # fmt: skip

    private = note("psychotherapy")
    note_sign(note=private, actor=therapist, request=None, now=later)
    draft = note("progress")
    appointment.refresh_from_db()
    assert appointment.noted_at is None  # a psychotherapy note or a draft is not the record

    first = later + dt.timedelta(hours=2)
    note_sign(note=sign_ready(draft), actor=therapist, request=None, now=first)
    second = note("progress")
    note_sign(note=sign_ready(second), actor=therapist, request=None, now=first + dt.timedelta(1))

    appointment.refresh_from_db()
    assert appointment.noted_at == first
