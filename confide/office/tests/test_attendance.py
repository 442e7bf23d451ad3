"""Recording what happened from Today and the appointment page, and Today's to-do list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails, client_create, note_create, note_sign
from confide.clients.testing import sign_ready
from confide.office.tests.factories import book, client_of, demo_clinician, therapist_user
from confide.practice.models import Practice
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

SignIn = Callable[..., HttpClient]
Outcome = Appointment.Outcome


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


def _begun() -> dt.datetime:
    """A start that has just passed, still today in any zone (barring the first second)."""
    return timezone.now() - dt.timedelta(seconds=1)


def _outcome_buttons(html: str, appointment: Appointment) -> bool:
    return f'action="/office/appointments/{appointment.pk}/outcome/"' in html


def test_today_offers_the_outcomes_once_a_session_has_begun(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    begun = book(sam, _begun())
    later = book(client_of(demo_clinician(), "Lee T."), timezone.now() + dt.timedelta(hours=30))

    html = signed_in(therapist).get("/office/").content.decode()

    assert _outcome_buttons(html, begun)
    assert not _outcome_buttons(html, later)
    # Under way, it is on the day's list, not yet in the to-do list.
    assert 'id="todo"' not in html
    for value, label in [
        ("attended", "Attended"),
        ("no_show", "No-show"),
        ("late_cancel", "Late cancellation"),
        ("by_client", "Cancelled by client"),
        ("by_practice", "Cancelled by practice"),
    ]:
        assert f'name="outcome" value="{value}">{label}</button>' in html


def test_one_click_from_today_records_it_and_undo_takes_it_back(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    session = book(sam, _begun())
    office = signed_in(therapist)

    response = office.post(
        f"/office/appointments/{session.pk}/outcome/",
        {"outcome": "attended", "next": "/office/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/office/"
    session.refresh_from_db()
    assert (session.outcome, session.status) == (Outcome.ATTENDED, Appointment.Status.COMPLETED)
    html = office.get("/office/").content.decode()
    assert "Recorded: attended." in html
    assert f'action="/office/appointments/{session.pk}/outcome/undo/"' in html
    assert not _outcome_buttons(html, session)

    office.post(f"/office/appointments/{session.pk}/outcome/undo/", {"next": "/office/"})

    session.refresh_from_db()
    assert (session.outcome, session.status) == ("", Appointment.Status.CONFIRMED)
    assert _outcome_buttons(office.get("/office/").content.decode(), session)


def test_a_session_cancelled_at_its_time_stays_on_today_to_be_undone(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    session = book(sam, _begun())
    office = signed_in(therapist)

    office.post(f"/office/appointments/{session.pk}/outcome/", {"outcome": "late_cancel"})

    html = office.get("/office/").content.decode()
    assert "Sam R." in html.split('id="todo"')[0]
    assert "Late cancellation" in html
    assert f'action="/office/appointments/{session.pk}/outcome/undo/"' in html


def test_nothing_is_recorded_before_the_start(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    session = book(sam, timezone.now() + dt.timedelta(hours=3))

    response = signed_in(therapist).post(
        f"/office/appointments/{session.pk}/outcome/", {"outcome": "no_show"}, follow=True
    )

    assert "once the session has begun" in response.content.decode()
    session.refresh_from_db()
    assert session.outcome == ""


def test_an_unknown_outcome_or_a_foreign_next_is_not_followed(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    session = book(sam, _begun())
    office = signed_in(therapist)

    odd = office.post(
        f"/office/appointments/{session.pk}/outcome/",
        {"outcome": "completed", "next": "https://elsewhere.example.org/office/"},
    )

    assert odd["Location"] == f"/office/appointments/{session.pk}/"
    session.refresh_from_db()
    assert session.outcome == ""


def test_the_practice_manager_records_attendance_but_sees_no_note_list(
    signed_in: SignIn, practice_manager: User, therapist: User, sam: Client
) -> None:
    session = book(sam, timezone.now() - dt.timedelta(days=2))
    office = signed_in(practice_manager)
    html = office.get("/office/").content.decode()
    assert "Sessions with nothing recorded (1)" in html

    office.post(f"/office/appointments/{session.pk}/outcome/", {"outcome": "attended"})

    session.refresh_from_db()
    assert session.outcome == Outcome.ATTENDED
    html = office.get("/office/").content.decode()
    assert "without a signed note" not in html
    assert "Sessions with nothing recorded" not in html


def test_another_clinician_cannot_record_for_someone_elses_session(
    signed_in: SignIn, colleague: User, sam: Client
) -> None:
    session = book(sam, _begun())

    response = signed_in(colleague).post(
        f"/office/appointments/{session.pk}/outcome/", {"outcome": "attended"}
    )

    assert response.status_code == 404
    session.refresh_from_db()
    assert session.outcome == ""


def test_a_couple_session_records_who_came_from_the_appointment_page(
    signed_in: SignIn, therapist: User, demo: None
) -> None:
    couple = client_create(
        kind=Client.Kind.COUPLE,
        people=[PersonDetails(name="Dana"), PersonDetails(name="Kai")],
        display_name="Dana & Kai",
        clinician_id=demo_clinician().pk,
        actor=AnonymousUser(),
        request=None,
    )
    _dana, kai = couple.people.order_by("order", "pk")
    session = book(couple, timezone.now() - dt.timedelta(hours=2))
    office = signed_in(therapist)
    page = office.get(f"/office/appointments/{session.pk}/").content.decode()
    assert "Who came" in page
    assert page.count('name="present"') == 2

    office.post(
        f"/office/appointments/{session.pk}/outcome/",
        {"outcome": "attended", "partners": "1", "present": [str(kai.uid)]},
    )

    session.refresh_from_db()
    assert list(session.partners_present.all()) == [kai]
    page = office.get(f"/office/appointments/{session.pk}/").content.decode()
    assert "Came: Kai" in page


def test_cancelling_in_the_office_asks_who_and_names_a_late_cancellation(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    practice = Practice.load()
    practice.cancellation_window_hours = 24
    practice.save()
    soon = book(sam, timezone.now() + dt.timedelta(hours=5))
    office = signed_in(therapist)
    page = office.get(f"/office/appointments/{soon.pk}/").content.decode()
    assert "Who is cancelling?" in page
    assert "inside the 24-hour window: a late cancellation" in page

    response = office.post(f"/office/appointments/{soon.pk}/cancel/", {"by": "client"}, follow=True)

    soon.refresh_from_db()
    assert soon.outcome == Outcome.LATE_CANCEL
    assert "recorded as a late cancellation" in response.content.decode()


# -- The to-do list -------------------------------------------------------------------------------


def _note(client: Client, author: User, appointment: Appointment | None = None) -> ClinicalNote:
    note = note_create(
        client=client, kind="progress", template="dap", sections={"data": "Talked."},
        author=author, request=None,
    )  # fmt: skip
    if appointment is not None:
        note.appointment = appointment
        note.save(update_fields=["appointment"])
    return note


def test_attended_sessions_without_a_signed_note_are_listed_until_signed(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    session = book(sam, timezone.now() - dt.timedelta(days=1))
    office = signed_in(therapist)
    office.post(f"/office/appointments/{session.pk}/outcome/", {"outcome": "attended"})
    todo = office.get("/office/").content.decode().split('id="todo"')[1]
    assert "Sessions without a signed note (1)" in todo

    note = _note(sam, therapist, session)
    assert "Sessions without a signed note (1)" in office.get("/office/").content.decode()
    note_sign(note=sign_ready(note), actor=therapist, request=None, now=timezone.now())

    assert "without a signed note" not in office.get("/office/").content.decode()


def test_drafts_older_than_the_practices_limit_are_late(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    old = _note(sam, therapist)
    fresh = _note(sam, therapist)
    ClinicalNote.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=73)
    )
    office = signed_in(therapist)

    todo = office.get("/office/").content.decode().split('id="todo"')[1].split("</section>")[0]

    assert "Drafts older than 72 hours (1)" in todo
    assert str(old.uid) in todo
    assert str(fresh.uid) not in todo
    assert "past the" not in todo  # no signing rule yet

    practice = Practice.load()
    practice.sign_within_days = 2
    practice.save()
    todo = office.get("/office/").content.decode().split('id="todo"')[1]
    assert "late: past the 2-day rule" in todo


def test_the_signing_rule_marks_sessions_whose_note_is_late(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    practice = Practice.load()
    practice.sign_within_days = 3
    practice.save()
    late = book(sam, timezone.now() - dt.timedelta(days=4))
    recent = book(sam, timezone.now() - dt.timedelta(days=1))
    office = signed_in(therapist)
    for session in (late, recent):
        office.post(f"/office/appointments/{session.pk}/outcome/", {"outcome": "attended"})

    todo = office.get("/office/").content.decode().split('id="todo"')[1]

    items = todo.split("<li>")
    marked = [item for item in items if "late: past the 3-day rule" in item]
    assert len(marked) == 1
    assert f"appointment={late.pk}" in marked[0]


def test_todays_queries_do_not_grow_with_the_to_do_list(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    office = signed_in(therapist)

    def count_with(first_day: int, sessions: int) -> int:
        for day in range(first_day, first_day + sessions):
            start = timezone.now() - dt.timedelta(days=day)
            book(client_of(demo_clinician(), f"Person {day}"), start)
            _note(sam, therapist)
        with CaptureQueriesContext(connection) as queries:
            assert office.get("/office/").status_code == 200
        return len(queries)

    # Both above the ten shown, so each list also counts its rows once.
    assert count_with(1, 11) == count_with(20, 25)
