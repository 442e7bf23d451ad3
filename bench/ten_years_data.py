"""Build a practice's records of ten years (or of eight weeks) through the project's own code.

What goes through which path:

- the practice, its therapist (owner) and hours: ``demo_load``; four more clinicians with the
  demo's appointment types and hours (``scheduling_demo_load``) and staff accounts with an
  authenticator (``staff_user_create``);
- consultation requests: the model, with the sealed note, preferred times and close reason set
  through the model's sealed attributes (the same ``seal`` as a public request), then
  ``bulk_create``; their created times are set afterwards with ``bulk_update``;
- clients (individuals and couples, from their request): ``clients.services.client_create``,
  discharged ones through ``client_set_status``; audit events come with them;
- appointments: ``Appointment.objects.bulk_create`` with the busy span computed as
  ``Appointment.save`` computes it; the overlap guard (trigger or exclusion constraint) checks
  every active one. Office bookings would add an audit event each; these add none;
- notes: ``clients.services.note_create`` with the details of their session (service, date,
  times, format, risk) and ``note_sign`` (sealed, then sealed again when signed, as in the
  office), with audit events; some recent ones stay drafts;
- record openings: ``clients.services.client_record_viewed``, to bring the audit log to size.

Every audit event goes through ``AuditEvent.save`` (the chain's own writer), so the hash chain is
real. The clock (``django.utils.timezone.now``) is moved along with the simulated years while
building, so created, signed and audit times are spread over them in order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.clients.services import (
    NoteDetails,
    PersonDetails,
    client_create,
    client_record_viewed,
    client_set_status,
    note_create,
    note_sign,
)
from confide.demo.loading import demo_load
from confide.practice.demo import DEMO_USERNAME
from confide.practice.models import Clinician
from confide.scheduling.demo import scheduling_demo_load
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.slots import wall_to_utc

UTC = dt.UTC
NY = ZoneInfo("America/New_York")
PASSWORD = "bench-password-0123"  # noqa: S105 - a throw-away database

# Weekly places of a clinician's week: (weekday 0 = Monday, start on the clock, couples?).
LANES = [
    *[(d, dt.time(h), False) for d in range(4) for h in (9, 10, 11, 12, 14, 15, 16)],
    *[(d, dt.time(17), True) for d in range(4)],
    *[(4, dt.time(h), False) for h in (9, 10)],
]
# Consultations go in the hour from 13:00, Monday to Thursday (15 minutes, 5 after).
CONSULT_TIMES = [dt.time(13, 0), dt.time(13, 20), dt.time(13, 40)]
HOURS = [
    *[(day, dt.time(9), dt.time(19)) for day in (1, 2, 3, 4)],
    (5, dt.time(9), dt.time(13)),
]
EXTRA_CLINICIANS = [
    ("Marisol Quennell", "marisol-quennell", "LCSW"),
    ("Tobias Wrenfield", "tobias-wrenfield", "LMHC"),
    ("Ines Halvorsen", "ines-halvorsen", "PsyD"),
    ("Dorian Pemberly", "dorian-pemberly", "LMFT"),
]
FIRST = ["Avery", "Blair", "Casey", "Dana", "Emery", "Finley", "Gray", "Harper", "Indigo",
         "Jules", "Kit", "Lane", "Marlo", "Noor", "Oakley", "Perry", "Quinn", "Rowan", "Sage",
         "Tatum", "Umber", "Vale", "Wren", "Yael", "Zion"]  # fmt: skip
LAST = ["Ashgrove", "Birchley", "Coldwater", "Dunmore", "Elsworth", "Fernhill", "Glenmoor",
        "Hartwell", "Ivybridge", "Juniper", "Kestrel", "Larkspur", "Millbrook", "Northcote",
        "Oakhurst", "Pinecrest", "Quarry", "Redfern", "Stonebrook", "Thistle"]  # fmt: skip
SOAP = {
    "subjective": "Reports a steadier week; sleep better on most nights. Named two moments of "
    "old shame that came up at work and what helped.",
    "objective": "Calm, engaged, good eye contact; tearful briefly when speaking of family.",
    "assessment": "Making use of grounding between sessions; self-criticism softer than last "
    "month.",
    "plan": "Continue weekly. Practise the resourcing exercise; revisit the early memory next "
    "time if the client wishes.",
}
DAP = {
    "data": "Talked about a difficult call with a parent and noticed the urge to apologise.",
    "assessment": "Insight growing; still quick to take blame that is not theirs.",
    "plan": "Keep the journal; next session continue with the same target.",
}
BIRP = {
    "behavior": "Arrived on time, spoke freely, some restlessness early on.",
    "intervention": "Somatic tracking and a short resourcing exercise.",
    "response": "Settled within ten minutes; said the exercise felt useful.",
    "plan": "Weekly; review progress in four sessions.",
}
TEMPLATES = [("soap", SOAP, 0.6), ("dap", DAP, 0.25), ("birp", BIRP, 0.15)]


@dataclass
class Size:
    """What to build: how many weeks back, and how busy the practice is."""

    weeks: int
    closed_requests_per_year: int = 140
    notes_per_completed: float = 0.87
    views_per_note: float = 0.45


TEN_YEARS = Size(weeks=522)
EIGHT_WEEKS = Size(weeks=8)


@dataclass
class PlannedClient:
    clinician: int
    couple: bool
    name: str
    people: list[str]
    consult_at: dt.datetime
    sessions: list[dt.datetime] = field(default_factory=list)
    ended: dt.datetime | None = None
    busy: bool = False


@dataclass
class Built:
    """What was made, for the benchmark to pick pages from and to report."""

    owner: User
    clinicians: list[Clinician]
    counts: dict[str, int]
    seconds: float = 0.0


class Clock:
    """A settable ``timezone.now`` for the build, so records get times spread over the years."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@contextmanager
def moving_clock(at: dt.datetime) -> Iterator[Clock]:
    clock = Clock(at)
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


def _client_length(rng: random.Random) -> int:
    """Return how many weekly sessions a client stays for: many short, a few for years."""
    roll = rng.random()
    if roll < 0.33:
        return rng.randint(2, 8)
    if roll < 0.72:
        return rng.randint(9, 40)
    if roll < 0.95:
        return rng.randint(41, 110)
    return rng.randint(111, 280)


def _vacation(day: dt.date) -> bool:
    week = day.isocalendar().week
    return week in (1, 27, 28, 52)


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return wall_to_utc(day, at, NY)


def plan(size: Size, *, now: dt.datetime, seed: int = 14) -> tuple[list[PlannedClient], int]:
    """Plan every client's consultation and weekly sessions; return them and the weeks' count."""
    rng = random.Random(seed)
    today = now.astimezone(NY).date()
    first_monday = today - dt.timedelta(days=today.weekday() + 7 * size.weeks)
    last_monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=4)
    clients: list[PlannedClient] = []
    consult_taken: set[tuple[int, dt.datetime]] = set()
    serial = 0

    def consult_before(clinician: int, first: dt.datetime) -> dt.datetime:
        # The nearest free consultation time one to two weeks before the first session.
        day = first.astimezone(NY).date() - dt.timedelta(days=rng.randint(7, 14))
        while True:
            if day.weekday() < 4:
                for at in CONSULT_TIMES:
                    start = _local(day, at)
                    if (clinician, start) not in consult_taken:
                        consult_taken.add((clinician, start))
                        return start
            day -= dt.timedelta(days=1)

    def new_client(clinician: int, couple: bool, first: dt.datetime) -> PlannedClient:
        nonlocal serial
        serial += 1
        a = f"{FIRST[serial % len(FIRST)]} {LAST[(serial // len(FIRST)) % len(LAST)]}"
        people = [a]
        if couple:
            b = f"{FIRST[(serial * 7 + 3) % len(FIRST)]} {LAST[(serial * 3 + 5) % len(LAST)]}"
            people.append(b)
        name = " and ".join(p.split()[0] for p in people) + f" {serial}"
        return PlannedClient(clinician, couple, name, people, consult_before(clinician, first))

    for clinician in range(5):
        for lane_no, (weekday, at, couple) in enumerate(LANES):
            monday = first_monday + dt.timedelta(weeks=rng.randint(0, 2))
            current: PlannedClient | None = None
            left = 0
            # The owner's first place holds the long-standing client with the busiest record.
            busy_lane = clinician == 0 and lane_no == 0
            while monday <= last_monday:
                day = monday + dt.timedelta(days=weekday)
                if current is None:
                    current = new_client(clinician, couple, _local(day, at))
                    clients.append(current)
                    if busy_lane and size.weeks > 400:
                        left, current.busy, busy_lane = 420, True, False
                    else:
                        left = _client_length(rng)
                if not _vacation(day):
                    current.sessions.append(_local(day, at))
                    left -= 1
                monday += dt.timedelta(weeks=1)
                if left <= 0:
                    current.ended = current.sessions[-1] if current.sessions else None
                    current = None
                    # A free place is filled again after one to three weeks.
                    monday += dt.timedelta(weeks=rng.randint(1, 3))
    return clients, size.weeks


def _people(planned: PlannedClient, serial: int) -> list[PersonDetails]:
    return [
        PersonDetails(
            name=name,
            email=f"client{serial}-{i}@example.org",
            phone=f"212-555-01{(serial + i) % 100:02d}",
            may_email=True,
            may_text=serial % 3 == 0,
            may_call=True,
            voicemail_ok=serial % 2 == 0,
            safe_times="weekdays after 6 pm" if serial % 4 == 0 else "",
            time_zone="America/New_York",
            emergency_name="A friend" if i == 0 else "",
            emergency_phone="212-555-0199" if i == 0 else "",
        )
        for i, name in enumerate(planned.people)
    ]


def _practice() -> tuple[User, list[Clinician], list[User]]:
    demo_load(password=PASSWORD)
    owner = User.objects.get(username=DEMO_USERNAME)
    therapist = owner.staff_profile.clinician
    assert therapist is not None
    clinicians: list[Clinician] = [therapist]
    users = [owner]
    for order, (name, slug, credentials) in enumerate(EXTRA_CLINICIANS, start=1):
        clinician = Clinician.objects.create(
            name=name, slug=slug, credentials=credentials, bio="A fictional colleague.",
            license_number=f"{credentials}-555-01{order:02d}", sees_couples=True, order=order,
        )  # fmt: skip
        scheduling_demo_load(clinician=clinician)
        users.append(
            staff_user_create(
                slug.split("-")[0], role=StaffProfile.Role.CLINICIAN, clinician=clinician
            )
        )
        clinicians.append(clinician)
    for clinician in clinicians:
        AvailabilityRule.objects.filter(clinician=clinician).delete()
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(clinician=clinician, kind=AvailabilityRule.Kind.WEEKLY, weekday=d,
                             start_time=s, end_time=e)
            for d, s, e in HOURS
        )  # fmt: skip
    return owner, clinicians, users


def _types(clinicians: list[Clinician]) -> dict[tuple[int, str], AppointmentType]:
    return {
        (clinicians.index(t.clinician), t.slug): t
        for t in AppointmentType.objects.select_related("clinician")
        if t.clinician in clinicians
    }


def _appointment(
    kind: AppointmentType, start: dt.datetime, status: str, **links: object
) -> Appointment:
    end = start + kind.duration
    # What happened is recorded as the office records it (attendance); a cancellation made
    # ahead of time has no outcome, as one made in the office before the session has none.
    outcome = {"completed": "attended", "no_show": "no_show"}.get(status, "")
    return Appointment(
        clinician=kind.clinician, appointment_type=kind, format=Appointment.Format.VIDEO,
        start=start, end=end, status=status, outcome=outcome,
        outcome_at=end if outcome else None,
        busy_start=start - dt.timedelta(minutes=kind.buffer_before_minutes),
        busy_end=end + dt.timedelta(minutes=kind.buffer_after_minutes), **links,
    )  # fmt: skip


def _past_status(rng: random.Random) -> str:
    roll = rng.random()
    S = Appointment.Status
    return S.CANCELLED if roll < 0.07 else S.NO_SHOW if roll < 0.10 else S.COMPLETED


def build(size: Size, *, now: dt.datetime, progress: Callable[[str], None]) -> Built:
    """Build the data set in the current (empty, migrated) database."""
    rng = random.Random(1414)
    planned, _ = plan(size, now=now)
    start_of_data = min(p.consult_at for p in planned)
    with moving_clock(start_of_data), transaction.atomic():
        owner, clinicians, users = _practice()
    types = _types(clinicians)
    counts: dict[str, int] = {}
    S = ConsultationRequest.Status

    # Consultation requests: one for each client, and the ones that closed or are still open.
    requests: list[ConsultationRequest] = []
    request_times: list[dt.datetime] = []

    def request(planned_for: int, at: dt.datetime, status: str, serial: int) -> None:
        r = ConsultationRequest(
            clinician=clinicians[planned_for], name=f"{FIRST[serial % 25]} {serial}",
            email=f"asker{serial}@example.org", phone=f"212-555-01{serial % 100:02d}",
            may_email=True, may_call=serial % 2 == 0, for_couple=serial % 9 == 0,
            time_zone="America/New_York", needs_attention=serial % 37 == 0, status=status,
        )  # fmt: skip
        if serial % 3 == 0:
            r.note = "I have been carrying something for a long time and would like to talk."
        if status == S.CLOSED:
            r.close_reason = "Chose a practice nearer to home."
        requests.append(r)
        request_times.append(at - dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 9)))

    for serial, p in enumerate(planned):
        request(p.clinician, p.consult_at, S.CLIENT, serial)
    closed_count = max(12, size.closed_requests_per_year * size.weeks // 52)
    span = (now - start_of_data).total_seconds()
    for i in range(closed_count):
        at = start_of_data + dt.timedelta(seconds=rng.random() * span)
        request(i % 5, at, S.CLOSED, len(planned) + i)
    for i in range(20):
        at = now - dt.timedelta(days=rng.randint(0, 9), hours=rng.randint(1, 20))
        request(i % 5, at, S.NEW if i < 12 else S.CONTACTED, len(planned) + closed_count + i)
    with transaction.atomic():
        ConsultationRequest.objects.bulk_create(requests, batch_size=500)
        for r, at in zip(requests, request_times, strict=True):
            r.created_at = at
        ConsultationRequest.objects.bulk_update(requests, ["created_at"], batch_size=500)
        consultations = []
        for i, r in enumerate(requests):
            p_i = i if i < len(planned) else None
            kind = types[(clinicians.index(r.clinician), "consultation")]
            if p_i is not None:
                at = planned[p_i].consult_at
                status = Appointment.Status.COMPLETED if at < now else Appointment.Status.CONFIRMED
            elif r.status == S.CLOSED and i % 2 == 0:
                # Half of the closed ones had a consultation that was held or called off.
                day = request_times[i].astimezone(NY).date() + dt.timedelta(days=8)
                day -= dt.timedelta(days=day.weekday())  # a Monday, lunch hour
                at = _local(day, dt.time(13, 0)) + dt.timedelta(minutes=(i % 3) * 20 + 1)
                status = (
                    Appointment.Status.CANCELLED if i % 4 == 0 else Appointment.Status.COMPLETED
                )
                if at >= now:
                    continue
            else:
                continue
            consultations.append(_appointment(kind, at, status, consultation=r))
        Appointment.objects.bulk_create(consultations, batch_size=500)
    counts["requests"] = len(requests)
    progress(f"{len(requests)} requests, {len(consultations)} consultations")

    # Everything with a person's hand in it happens in time order.
    actions: list[tuple[dt.datetime, int, str, int]] = []
    for i, p in enumerate(planned):
        actions.append((p.consult_at + dt.timedelta(hours=2), 0, "client", i))
        if p.ended is not None and p.ended < now:
            actions.append((p.ended + dt.timedelta(days=7), 3, "discharge", i))
    actions.sort()
    appointments_of: dict[int, list[Appointment]] = {}
    notes = 0
    note_actions: list[tuple[dt.datetime, int, str, int]] = []
    session_rows = 0
    made_clients: dict[int, Client] = {}
    completed: list[tuple[int, Appointment]] = []

    # Clients first, with their sessions (the sessions need a client to point to).
    with moving_clock(start_of_data) as clock:
        for batch_start in range(0, len(actions), 200):
            with transaction.atomic():
                for at, _, what, i in actions[batch_start : batch_start + 200]:
                    clock.at = at
                    p = planned[i]
                    if what == "client":
                        client = client_create(
                            kind=Client.Kind.COUPLE if p.couple else Client.Kind.INDIVIDUAL,
                            people=_people(p, i), display_name=p.name,
                            clinician_id=clinicians[p.clinician].pk, actor=users[p.clinician],
                            request=None, consultation=requests[i], status=Client.Status.ACTIVE,
                        )  # fmt: skip
                        made_clients[i] = client
                        kind = types[(p.clinician, "couples" if p.couple else "individual")]
                        rows = [
                            _appointment(kind, start, _past_status(rng) if start < now
                                         else Appointment.Status.CONFIRMED, client=client)
                            for start in p.sessions
                        ]  # fmt: skip
                        Appointment.objects.bulk_create(rows, batch_size=500)
                        appointments_of[i] = rows
                        session_rows += len(rows)
                        completed.extend(
                            (i, a) for a in rows if a.status == Appointment.Status.COMPLETED
                        )
                    else:
                        client_set_status(
                            client=made_clients[i], status=Client.Status.DISCHARGED,
                            actor=users[p.clinician], request=None, now=at,
                        )  # fmt: skip
    progress(f"{len(made_clients)} clients, {session_rows} sessions")

    # Notes after sessions, and openings of records, in time order.
    for _, appointment in completed:
        if rng.random() < size.notes_per_completed:
            written = appointment.end + dt.timedelta(minutes=rng.randint(15, 240))
            note_actions.append((written, 1, "note", appointment.pk))
    views = int(len(note_actions) * size.views_per_note)
    client_ids = list(made_clients)
    for _ in range(views):
        i = rng.choice(client_ids)
        p = planned[i]
        first = p.consult_at + dt.timedelta(days=1)
        last = min(p.ended or now, now)
        if last <= first:
            last = first + dt.timedelta(hours=1)
        at = first + dt.timedelta(seconds=rng.random() * (last - first).total_seconds())
        note_actions.append((min(at, now), 2, "view", i))
    note_actions.sort()
    by_pk = {a.pk: (i, a) for i, a in completed}
    drafts = 0
    with moving_clock(start_of_data) as clock:
        for batch_start in range(0, len(note_actions), 1000):
            with transaction.atomic():
                for at, _, what, key in note_actions[batch_start : batch_start + 1000]:
                    clock.at = at
                    if what == "view":
                        client_record_viewed(client=made_clients[key], actor=users[
                            planned[key].clinician], request=None)  # fmt: skip
                        continue
                    i, appointment = by_pk[key]
                    p = planned[i]
                    author = users[p.clinician]
                    roll = rng.random()
                    template, text = next(
                        (t, s) for t, s, share in _cumulative(TEMPLATES) if roll < share
                    )
                    note_kind = (
                        ClinicalNote.Kind.PSYCHOTHERAPY
                        if rng.random() < 0.08
                        else ClinicalNote.Kind.PROGRESS
                    )
                    note = note_create(
                        client=made_clients[i], kind=note_kind, template=template, sections=text,
                        author=author, request=None,
                        details=_for_session(appointment, couple=p.couple),
                    )  # fmt: skip
                    notes += 1
                    # The last ten days' notes are drafts a third of the time.
                    if at > now - dt.timedelta(days=10) and rng.random() < 0.35:
                        drafts += 1
                        continue
                    signed = at + dt.timedelta(minutes=rng.randint(5, 90))
                    clock.at = min(signed, now)
                    note_sign(note=note, actor=author, request=None, now=clock.at)
            if batch_start % 20000 == 0:
                progress(f"{batch_start} of {len(note_actions)} notes and openings")
    counts["clients"] = len(made_clients)
    counts["couples"] = sum(1 for p in planned if p.couple)
    counts["notes"] = notes
    counts["drafts"] = drafts
    return Built(owner=owner, clinicians=clinicians, counts=counts)


def _for_session(appointment: Appointment, *, couple: bool) -> NoteDetails:
    """Return what a note records of its session, as the office fills it in from the session."""
    return NoteDetails(
        appointment_id=appointment.pk,
        service=ClinicalNote.Service.COUPLES_WITH_CLIENT
        if couple
        else ClinicalNote.Service.INDIVIDUAL,
        service_date=appointment.start.astimezone(NY).date(),
        started_at=appointment.start,
        ended_at=appointment.end,
        format=appointment.format,
        risk=ClinicalNote.Risk.NONE_NOTED,
    )


def _cumulative(
    table: list[tuple[str, dict[str, str], float]],
) -> list[tuple[str, dict[str, str], float]]:
    total, out = 0.0, []
    for name, text, share in table:
        total += share
        out.append((name, text, total))
    out[-1] = (out[-1][0], out[-1][1], 1.01)
    return out
