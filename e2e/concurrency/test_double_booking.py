"""Twenty people confirm the same hour at the same instant on a real multi-process server."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from confide.clients.models import ConsultationRequest
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import available_slots, bookable_window
from e2e import servers
from e2e.concurrency.visitors import Post, Response, Visitor, post_all_at_once

# Alone: a race's outcome must not depend on what a parallel test does to the two cores.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]

PEOPLE = 20
DETAILS = "/book/hannah-brenner/consultation/details/"
CONFIRM = "/book/hannah-brenner/consultation/confirm/?tz=America%2FNew_York"
# Four processes of five threads: twenty requests in flight at once, across processes, as
# behind a production server; preparing the forms also calls the details form twenty times.
WORKERS, THREADS = 4, 5
SERVER_ENV = {"BOOKING_RATE_LIMIT": "1000"}
# The guard's migration, whose SQL drops and restores the database guard for the control case.
GUARD = importlib.import_module("confide.scheduling.migrations.0002_no_overlap")


@pytest.fixture
def consultation(demo: None) -> AppointmentType:
    return AppointmentType.objects.get(clinician__slug="hannah-brenner", slug="consultation")


@pytest.fixture
def open_slot(consultation: AppointmentType) -> dt.datetime:
    """The first open consultation time, still open when the confirmations arrive.

    Slots are computed as of a few minutes from now: the first slot as of now could cross the
    minimum notice while the test runs, and would then be refused for the wrong reason.
    """
    later = timezone.now() + dt.timedelta(minutes=5)
    first, last = bookable_window(appointment_type=consultation, now=later)
    start = available_slots(
        appointment_type=consultation, now=later, first_day=first, last_day=last
    )[0]
    day = start.astimezone(consultation.clinician.tz()).date()
    assert start in available_slots(
        appointment_type=consultation, now=timezone.now(), first_day=day, last_day=day
    )
    return start


def _prepare(base_url: str, start: dt.datetime) -> list[Post]:
    """Take every person through the details step, each with their own cookie and form."""
    query = urlencode(
        {
            "start": start.isoformat().replace("+00:00", "Z"),
            "format": "phone",
            "tz": "America/New_York",
        }
    )
    posts = []
    for number in range(PEOPLE):
        person = Visitor(base_url)
        assert person.get(f"{DETAILS}?{query}").status == 200
        assert "csrftoken" in person.cookies
        page = person.post(
            f"{DETAILS}?{query}",
            {
                "name": f"Person {number}",
                "email": f"person{number}@example.org",
                # By phone, a number to call is needed too.
                "phone": f"(212) 555-01{number % 100:02d}",
                "may_email": "on",
                "for_couple": "0",
            },
        )
        assert page.status == 200, page.body[:2000]
        payload = _hidden_payload(page)
        posts.append(Post(person, CONFIRM, {"payload": payload}))
    assert len({post.form["payload"] for post in posts}) == PEOPLE
    return posts


def _hidden_payload(page: Response) -> str:
    marker = '<input type="hidden" name="payload" value="'
    assert marker in page.body, page.body[:2000]
    return page.body.split(marker, 1)[1].split('"', 1)[0]


def _book_at_once(start: dt.datetime, *, app: str = "confide.wsgi") -> list[Response]:
    with servers.run_gunicorn(
        env=servers.test_server_environment(**SERVER_ENV), workers=WORKERS, threads=THREADS, app=app
    ) as base_url:
        return post_all_at_once(_prepare(base_url, start))


def _overlapping_active() -> list[int]:
    """Return the ids of active appointments that overlap another of the same clinician."""
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


def _guard_in_place() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conname = 'appointment_no_overlap'"
            )
            return bool(cursor.fetchone()[0] == 1)
        cursor.execute(
            "SELECT count(*) FROM sqlite_master"
            " WHERE type = 'trigger' AND name LIKE 'appointment_no_overlap_%'"
        )
        return bool(cursor.fetchone()[0] == 2)


def _run_guard_sql(postgres: str, sqlite: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in [postgres] if connection.vendor == "postgresql" else sqlite:
            cursor.execute(statement)


@pytest.fixture
def without_database_guard(transactional_db: None) -> Iterator[None]:
    """Drop the overlap constraint or triggers from the test database, and put them back."""
    _run_guard_sql(GUARD.POSTGRES_DOWN, GUARD.SQLITE_DOWN)
    assert not _guard_in_place()
    try:
        yield
    finally:
        # The control case leaves overlapping rows behind, and PostgreSQL will not add the
        # constraint back over them.
        Appointment.objects.active().update(status=Appointment.Status.CANCELLED)
        _run_guard_sql(GUARD.POSTGRES_UP, GUARD.SQLITE_UP)
    assert _guard_in_place()


def test_twenty_simultaneous_bookings_of_one_slot_confirm_exactly_one(
    open_slot: dt.datetime,
) -> None:
    assert _guard_in_place()

    responses = _book_at_once(open_slot)

    statuses = Counter(r.status for r in responses)
    assert statuses == {302: 1, 409: PEOPLE - 1}, statuses
    for response in responses:
        if response.status == 409:
            assert "That time was just taken" in response.body
            assert "The nearest open times" in response.body
    (winner,) = [n for n, r in enumerate(responses) if r.status == 302]
    assert responses[winner].location.startswith("/booked/")

    (appointment,) = Appointment.objects.active().select_related("consultation")
    assert appointment.start == open_slot
    # The one confirmed is the person the server told so, and nobody else left a trace.
    assert appointment.consultation is not None
    assert appointment.consultation.name == f"Person {winner}"
    assert ConsultationRequest.objects.count() == 1
    assert _overlapping_active() == []


@pytest.mark.usefixtures("without_database_guard")
def test_control_without_the_guard_double_books(open_slot: dt.datetime) -> None:
    # Check, pause, write: the pause lets the other requests check before the first one writes.
    # The application that does so is the test's own; no setting of Confide can ask for it.
    responses = _book_at_once(open_slot, app="e2e.concurrency.unguarded_wsgi")

    statuses = Counter(r.status for r in responses)
    # How many got through varies from run to run; -rP shows it.
    print(f"Without the guard: {dict(statuses)}")
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses[302] > 1, statuses
    confirmed = Appointment.objects.active().filter(start=open_slot).count()
    assert confirmed == statuses[302]
    assert len(_overlapping_active()) == confirmed
