"""The rest of a series: cancel it, move it by one step all or nothing, and one message for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskContext
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.notifications.models import Reminder
from confide.notifications.tasks import send_appointment_message
from confide.office.tests.factories import book, client_of, demo_clinician, session_type, utc
from confide.scheduling.booking import appointment_series_create
from confide.scheduling.errors import NotChangeable, SeriesMoveBlocked
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import series_starts
from confide.scheduling.series import (
    appointment_series_cancel_rest,
    appointment_series_move_rest,
    shifted,
)

NEW_YORK = ZoneInfo("America/New_York")
NOW = utc("2027-03-01 12:00")
SignIn = Callable[..., HttpClient]

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def sam() -> Client:
    return client_of(demo_clinician())


@pytest.fixture
def kind() -> AppointmentType:
    return session_type(demo_clinician())


def _series(client: Client, actor: User, count: int = 4) -> list[Appointment]:
    """Book Mondays at 10:00 New York time from March 8, 2027, across the spring change."""
    starts = series_starts(
        first_day=dt.date(2027, 3, 8), wall=dt.time(10), tz=NEW_YORK, every_weeks=1, count=count
    )
    return appointment_series_create(
        client=client, appointment_type=session_type(client.clinician), format="video",
        starts=starts, skip_collisions=False, actor=actor, request=None,
    ).booked  # fmt: skip


def _message_tasks() -> list[list[Any]]:
    rows = DBTaskResult.objects.filter(task_path__endswith="send_appointment_message")
    return [row.args_kwargs["args"] for row in rows.order_by("enqueued_at")]


def _run_messages() -> None:
    """Send every queued appointment message, as a worker would."""
    for args in _message_tasks():
        task = send_appointment_message.enqueue(*args)
        send_appointment_message.func(TaskContext(task_result=task), *args)


def _wall(appointments: list[Appointment]) -> list[str]:
    return [a.start.astimezone(NEW_YORK).strftime("%a %b %d %H:%M") for a in appointments]


# -- Pure: a step on the wall clock ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "step", "expected"),
    [
        # Thirty minutes later on an ordinary day.
        ("2027-03-01 15:00", dt.timedelta(minutes=30), "2027-03-01 15:30"),
        # A day later across the spring change: 10:00 EST becomes 10:00 EDT, an hour less in UTC.
        ("2027-03-13 15:00", dt.timedelta(days=1), "2027-03-14 14:00"),
        # A day later across the fall change: 10:00 EDT becomes 10:00 EST.
        ("2027-11-06 14:00", dt.timedelta(days=1), "2027-11-07 15:00"),
        # Earlier by two hours and a day.
        ("2027-03-16 14:00", -dt.timedelta(days=1, hours=2), "2027-03-15 12:00"),
    ],
)
def test_a_step_is_taken_on_the_clinicians_clock(
    start: str, step: dt.timedelta, expected: str
) -> None:
    assert shifted(utc(start), step=step, tz=NEW_YORK) == utc(expected)


# -- Booking a series: one message ----------------------------------------------------------------


def test_a_series_booking_queues_one_message_and_a_reminder_for_each_session(
    owner: User, sam: Client
) -> None:
    booked = _series(sam, owner)

    person = [args for args in _message_tasks() if args[2] == "person"]
    assert person == [[booked[0].pk, "booked", "person", [a.pk for a in booked]]]
    reminded = set(Reminder.objects.values_list("appointment_id", flat=True))
    assert reminded == {a.pk for a in booked}


def test_one_email_lists_every_date_of_the_series_and_nothing_about_the_therapy(
    practice_manager: User, sam: Client
) -> None:
    _series(sam, practice_manager, count=3)  # by the manager: the clinician hears of it too

    _run_messages()

    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "3 new appointments from Mon, Mar 8, 10:00 AM",
        "Your 3 appointments from Mon, Mar 8, 10:00 AM",
    ]
    to_person = next(m for m in mail.outbox if m.to == ["sam@example.org"])
    for when in ["Mon, Mar 8, 10:00 AM", "Mon, Mar 15, 10:00 AM", "Mon, Mar 22, 10:00 AM"]:
        assert f"- {when}" in to_person.body
    assert isinstance(to_person, EmailMultiAlternatives)
    html = to_person.alternatives[0][0]
    assert "<li>Mon, Mar 15, 10:00 AM</li>" in str(html)
    # Discretion as for one booking: no kind of session, no client name in the subject.
    assert "session" not in to_person.subject.lower()
    assert "Individual" not in to_person.body
    assert "Sam" not in to_person.subject


def test_a_single_booking_still_gets_its_own_message(owner: User, sam: Client) -> None:
    booked = _series(sam, owner, count=1)
    _run_messages()
    assert sorted(m.subject for m in mail.outbox) == [
        "New appointment on Mon, Mar 8, 10:00 AM",
        "Your appointment on Mon, Mar 8, 10:00 AM",
    ]
    assert booked[0].series is not None


# -- Cancel the rest ------------------------------------------------------------------------------


def test_cancelling_the_rest_cancels_this_and_the_later_sessions_only(
    owner: User, sam: Client
) -> None:
    booked = _series(sam, owner)
    DBTaskResult.objects.all().delete()

    cancelled = appointment_series_cancel_rest(
        appointment=booked[1], now=NOW, by="practice", actor=owner
    )

    assert [a.pk for a in cancelled] == [a.pk for a in booked[1:]]
    statuses = [a.status for a in Appointment.objects.filter(series=booked[0].series)]
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]
    assert {a.outcome for a in cancelled} == {Appointment.Outcome.CANCELLED_BY_PRACTICE}
    assert (
        AuditEvent.objects.filter(
            summary="3 appointments of a series cancelled", client_uid=sam.uid, actor=owner
        ).count()
        == 1
    )
    assert sorted(args[1:3] for args in _message_tasks()) == [
        ["cancelled", "clinician"], ["cancelled", "person"],
    ]  # fmt: skip
    _run_messages()
    assert sorted(m.subject for m in mail.outbox) == [
        "3 appointments cancelled from Mon, Mar 15, 10:00 AM",
        "Your 3 appointments from Mon, Mar 15, 10:00 AM are cancelled",
    ]


def test_a_client_cancelling_the_rest_late_is_late_for_the_first_only(
    owner: User, sam: Client
) -> None:
    booked = _series(sam, owner, count=3)
    cancelled = appointment_series_cancel_rest(
        appointment=booked[0], now=booked[0].start - dt.timedelta(hours=2), by="client",
        actor=owner,
    )  # fmt: skip
    assert [a.outcome for a in cancelled] == ["late_cancel", "by_client", "by_client"]


def test_only_a_session_of_a_series_has_a_rest(owner: User, sam: Client) -> None:
    single = book(sam, utc("2027-03-16 14:00"))
    with pytest.raises(NotChangeable):
        appointment_series_cancel_rest(appointment=single, now=NOW, by="practice", actor=owner)
    booked = _series(sam, owner, count=2)
    with pytest.raises(NotChangeable):  # a session already over
        appointment_series_cancel_rest(
            appointment=booked[0], now=utc("2027-03-09 12:00"), by="practice", actor=owner
        )


# -- Move the rest --------------------------------------------------------------------------------


def test_moving_the_rest_shifts_every_later_session_by_the_same_step(
    owner: User, sam: Client
) -> None:
    booked = _series(sam, owner)
    DBTaskResult.objects.all().delete()

    # Monday 10:00 EST to Tuesday 11:30 EST; the later ones follow, on the clock, after the change.
    moved = appointment_series_move_rest(
        appointment=booked[0], start=utc("2027-03-09 16:30"), now=NOW, actor=owner
    )

    assert _wall(moved) == [
        "Tue Mar 09 11:30", "Tue Mar 16 11:30", "Tue Mar 23 11:30", "Tue Mar 30 11:30",
    ]  # fmt: skip
    for old, new in zip(booked, moved, strict=True):
        old.refresh_from_db()
        assert (old.status, old.rescheduled_to_id) == ("rescheduled", new.pk)
        assert (new.series, new.ical_uid) == (old.series, old.ical_uid)
    assert AuditEvent.objects.filter(summary="4 appointments of a series moved").count() == 1
    # One message for each audience, not one per session.
    assert sorted(args[1:3] for args in _message_tasks()) == [
        ["rescheduled", "clinician"], ["rescheduled", "person"],
    ]  # fmt: skip


def test_moving_the_rest_refuses_all_of_it_and_names_the_appointment_in_the_way(
    owner: User, sam: Client
) -> None:
    booked = _series(sam, owner)
    lee = client_of(sam.clinician, "Lee T.")
    book(lee, utc("2027-03-23 15:00"))  # Tuesday March 23, 11:00 EDT
    DBTaskResult.objects.all().delete()
    audits = AuditEvent.objects.count()

    with pytest.raises(SeriesMoveBlocked) as caught:
        appointment_series_move_rest(
            appointment=booked[0], start=utc("2027-03-09 16:30"), now=NOW, actor=owner
        )

    message = caught.value.message
    assert message.startswith("Nothing was moved: the session of Mon Mar 22, 2027 10:00 AM")
    assert "the appointment with Lee T. on Tue Mar 23, 2027 11:00 AM" in message
    assert _wall(list(Appointment.objects.filter(client=sam))) == _wall(booked)
    assert set(Appointment.objects.filter(client=sam).values_list("status", flat=True)) == {
        "confirmed"
    }
    assert _message_tasks() == []
    assert AuditEvent.objects.count() == audits


# -- The office pages -----------------------------------------------------------------------------


def test_the_appointment_page_offers_the_rest_of_the_series(
    signed_in: SignIn, owner: User, sam: Client
) -> None:
    booked = _series(sam, owner)
    html = signed_in(owner).get(f"/office/appointments/{booked[1].pk}/").content.decode()
    assert "The rest of the series" in html
    assert "This session and 2 later sessions of its series are still booked." in html
    assert 'name="series-date"' in html
    single = book(sam, utc("2027-04-20 14:00"))
    html = signed_in(owner).get(f"/office/appointments/{single.pk}/").content.decode()
    assert "The rest of the series" not in html


def test_the_office_moves_and_cancels_the_rest(
    signed_in: SignIn, practice_manager: User, sam: Client, owner: User
) -> None:
    booked = _series(sam, owner, count=3)
    office = signed_in(practice_manager)

    response = office.post(
        f"/office/appointments/{booked[0].pk}/series/move/",
        {"series-date": "2027-03-08", "series-time": "14:00"},
        follow=True,
    )
    assert "Moved 3 sessions; the first is now Monday, March 8, 2:00 PM." in (
        response.content.decode()
    )
    first = Appointment.objects.active().filter(client=sam).order_by("start").first()
    assert first is not None
    office.post(f"/office/appointments/{first.pk}/series/cancel/", {"by": "practice"})
    assert not Appointment.objects.active().filter(client=sam).exists()


def test_a_refused_move_is_explained_on_the_page(
    signed_in: SignIn, owner: User, sam: Client
) -> None:
    booked = _series(sam, owner, count=3)
    book(client_of(sam.clinician, "Lee T."), utc("2027-03-22 18:00"))  # Mar 22, 2:00 PM EDT
    response = signed_in(owner).post(
        f"/office/appointments/{booked[0].pk}/series/move/",
        {"series-date": "2027-03-08", "series-time": "14:00"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was moved: the session of Mon Mar 22, 2027 10:00 AM" in html
    assert "Lee T." in html


def test_another_clinician_cannot_touch_the_series(
    signed_in: SignIn, colleague: User, owner: User, sam: Client
) -> None:
    booked = _series(sam, owner, count=2)
    office = signed_in(colleague)
    for path in ["move", "cancel"]:
        response = office.post(
            f"/office/appointments/{booked[0].pk}/series/{path}/",
            {"by": "practice", "series-date": "2027-03-09", "series-time": "10:00"},
        )
        assert response.status_code == 404
    assert Appointment.objects.active().filter(client=sam).count() == 2
