"""Office appointment services: time conversion tables, the overlap guard, series, moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django_tasks_db.models import DBTaskResult

from confide.audit.models import AuditEvent
from confide.clients.models import Client, ConsultationRequest
from confide.clients.services import (
    PersonDetails,
    client_set_status,
    person_details_from_request,
)
from confide.notifications.tests.factories import message_task_run
from confide.office.tests.factories import (
    book,
    client_of,
    clinician_of,
    demo_clinician,
    request_for,
    session_type,
    utc,
)
from confide.practice.models import Clinician
from confide.scheduling.booking import (
    SeriesResult,
    appointment_create,
    appointment_series_create,
)
from confide.scheduling.changes import ChangePolicy, appointment_cancel, appointment_move
from confide.scheduling.errors import SchedulingError, SeriesCollision, TimeTaken
from confide.scheduling.events import appointment_changed
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.requests import (
    consultation_request_accept,
    consultation_request_close,
    consultation_request_contacted,
)
from confide.scheduling.selectors import outside_working_hours, series_starts, wall_time_issue

NEW_YORK = ZoneInfo("America/New_York")
# The office moves what has not ended yet; every appointment below is after this.
NOW = utc("2027-03-08 12:00")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


# -- Pure tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected_utc"),
    [
        # An ordinary winter and summer day in New York: UTC-5, then UTC-4.
        (NEW_YORK, "2027-03-13", "10:00", "2027-03-13 15:00"),
        (NEW_YORK, "2027-03-15", "10:00", "2027-03-15 14:00"),
        # Spring forward, 2027-03-14: 01:59 EST is followed by 03:00 EDT.
        (NEW_YORK, "2027-03-14", "01:30", "2027-03-14 06:30"),
        (NEW_YORK, "2027-03-14", "03:00", "2027-03-14 07:00"),
        (NEW_YORK, "2027-03-14", "10:00", "2027-03-14 14:00"),
        # 02:30 does not exist that night: it is read with the offset before the change (EST),
        # which lands at 03:30 EDT, never an hour early.
        (NEW_YORK, "2027-03-14", "02:30", "2027-03-14 07:30"),
        # Fall back, 2027-11-07: 01:00-01:59 happens twice; the first (EDT) is taken.
        (NEW_YORK, "2027-11-07", "00:30", "2027-11-07 04:30"),
        (NEW_YORK, "2027-11-07", "01:30", "2027-11-07 05:30"),
        (NEW_YORK, "2027-11-07", "02:00", "2027-11-07 07:00"),
        (NEW_YORK, "2027-11-07", "10:00", "2027-11-07 15:00"),
        # The clinician's own zone decides, not the practice's.
        (LOS_ANGELES, "2027-03-14", "10:00", "2027-03-14 17:00"),
        (LOS_ANGELES, "2027-11-07", "10:00", "2027-11-07 18:00"),
    ],
)
def test_a_typed_time_is_read_in_the_clinicians_zone(
    zone: ZoneInfo, day: str, wall: str, expected_utc: str
) -> None:
    (start,) = series_starts(
        first_day=dt.date.fromisoformat(day),
        wall=dt.time.fromisoformat(wall),
        tz=zone,
        every_weeks=1,
        count=1,
    )
    assert start == utc(expected_utc)


@pytest.mark.parametrize(
    ("day", "wall", "expected"),
    [
        ("2027-03-14", "02:30", "2:30 AM does not exist on Mar 14 because the clocks go forward; "
                                "it was booked for 3:30 AM."),
        ("2027-11-07", "01:30", "1:30 AM happens twice on Nov 7 because the clocks go back; "
                                "it was booked for the first time (EDT)."),
        ("2027-03-14", "03:30", None),
        ("2027-03-14", "01:59", None),
        ("2027-11-07", "02:00", None),
        ("2027-11-07", "00:59", None),
        ("2027-06-01", "10:00", None),
    ],
)  # fmt: skip
def test_it_explains_times_that_daylight_saving_skips_or_repeats(
    day: str, wall: str, expected: str | None
) -> None:
    issue = wall_time_issue(
        day=dt.date.fromisoformat(day), wall=dt.time.fromisoformat(wall), tz=NEW_YORK
    )
    assert issue == expected


@pytest.mark.parametrize(
    ("first_day", "every_weeks", "count", "expected_utc"),
    [
        # Weekly across the spring change: 10:00 on the clock, 15:00 then 14:00 UTC.
        ("2027-03-08", 1, 3, ["2027-03-08 15:00", "2027-03-15 14:00", "2027-03-22 14:00"]),
        # Every other week across the fall change: 14:00 then 15:00 UTC.
        ("2027-10-25", 2, 3, ["2027-10-25 14:00", "2027-11-08 15:00", "2027-11-22 15:00"]),
        # Starting on the change day itself.
        ("2027-03-14", 1, 2, ["2027-03-14 14:00", "2027-03-21 14:00"]),
        ("2027-11-07", 1, 2, ["2027-11-07 15:00", "2027-11-14 15:00"]),
    ],
)
def test_a_series_keeps_its_wall_clock_time_across_daylight_saving(
    first_day: str, every_weeks: int, count: int, expected_utc: list[str]
) -> None:
    starts = series_starts(
        first_day=dt.date.fromisoformat(first_day),
        wall=dt.time(10),
        tz=NEW_YORK,
        every_weeks=every_weeks,
        count=count,
    )
    assert starts == [utc(s) for s in expected_utc]
    assert {s.astimezone(NEW_YORK).time() for s in starts} == {dt.time(10)}


@pytest.mark.parametrize(("every_weeks", "count"), [(0, 3), (1, 0), (-1, 2)])
def test_series_starts_refuses_a_series_of_nothing(every_weeks: int, count: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        series_starts(
            first_day=dt.date(2027, 3, 8), wall=dt.time(10), tz=NEW_YORK,
            every_weeks=every_weeks, count=count,
        )  # fmt: skip


# -- Against the database (every fixture below loads the demo practice) -------------------------


@pytest.fixture
def clinician(demo: None) -> Clinician:
    return demo_clinician()


@pytest.fixture
def client(clinician: Clinician) -> Client:
    return client_of(clinician)


@pytest.fixture
def kind(clinician: Clinician) -> AppointmentType:
    return session_type(clinician)  # Individual session: 50 minutes, 10 after


@pytest.fixture
def actor(owner: User) -> User:
    return owner


@pytest.fixture
def notified() -> Iterator[list[tuple[int, str]]]:
    """Record each change scheduling announces as (appointment id, event)."""
    calls: list[tuple[int, str]] = []

    def record(sender: Any, *, appointment: Appointment, event: Any, **details: Any) -> None:
        calls.append((appointment.pk, str(event)))

    appointment_changed.connect(record)
    yield calls
    appointment_changed.disconnect(record)


def _create(client: Client, kind: AppointmentType, start: dt.datetime, actor: User) -> Appointment:
    return appointment_create(
        client=client, appointment_type=kind, format="video", start=start, actor=actor,
        request=None,
    )  # fmt: skip


def test_it_books_a_confirmed_session_for_the_client(
    client: Client, kind: AppointmentType, actor: User, notified: list[tuple[int, str]]
) -> None:
    appointment = _create(client, kind, utc("2027-03-16 14:00"), actor)

    appointment.refresh_from_db()
    assert appointment.client == client
    assert appointment.clinician == client.clinician
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.end == utc("2027-03-16 14:50")
    assert appointment.busy_end == utc("2027-03-16 15:00")
    assert notified == [(appointment.pk, "booked")]
    event = AuditEvent.objects.filter(client_uid=client.uid, action="create").first()
    assert event is not None
    assert event.summary == "appointment booked"
    assert event.actor == actor


def test_it_books_in_the_past_and_outside_hours_the_office_decides(
    client: Client, kind: AppointmentType, actor: User
) -> None:
    # A Sunday at 7 am, long ago: the public could never book it; the office may.
    appointment = _create(client, kind, utc("2020-01-05 12:00"), actor)
    assert appointment.pk is not None


@pytest.mark.parametrize(
    ("start", "taken"),
    [
        ("2027-03-16 14:00", True),  # the same time
        ("2027-03-16 14:49", True),  # inside the session
        ("2027-03-16 14:55", True),  # inside the 10 minutes after it
        ("2027-03-16 13:11", True),  # would end (plus its own 10 minutes) after 14:00
        ("2027-03-16 15:00", False),  # right after the break
        ("2027-03-16 13:00", False),  # ends 13:50, break until 14:00
    ],
)
def test_the_database_refuses_overlaps_buffers_included(
    client: Client, kind: AppointmentType, actor: User, start: str, taken: bool
) -> None:
    book(client, utc("2027-03-16 14:00"))
    other = client_of(client.clinician, "Lee T.")

    if taken:
        with pytest.raises(TimeTaken, match=r"overlaps the appointment with Sam R\.") as caught:
            _create(other, kind, utc(start), actor)
        assert caught.value.field == "time"
        assert Appointment.objects.filter(client=other).count() == 0
        assert not AuditEvent.objects.filter(client_uid=other.uid, summary="appointment booked")
    else:
        assert _create(other, kind, utc(start), actor).pk


def test_a_cancelled_appointment_does_not_block_its_time(
    client: Client, kind: AppointmentType, actor: User
) -> None:
    book(client, utc("2027-03-16 14:00"), status=Appointment.Status.CANCELLED)
    assert _create(client, kind, utc("2027-03-16 14:00"), actor).pk


def test_another_clinicians_time_does_not_collide(
    client: Client, kind: AppointmentType, actor: User, colleague: User
) -> None:
    theirs = client_of(clinician_of(colleague), "Kim")
    AppointmentType.objects.create(
        clinician=theirs.clinician, name="Session", slug="individual", duration_minutes=50
    )
    book(theirs, utc("2027-03-16 14:00"))
    assert _create(client, kind, utc("2027-03-16 14:00"), actor).pk


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ("other_type", "appointment_type", "the client's own clinician"),
        ("inactive", "appointment_type", "switched off"),
        ("phone", "format", "isn't held in that format"),
        ("discharged", "client", "discharged"),
    ],
)
def test_it_refuses_a_booking_that_makes_no_sense(
    client: Client, kind: AppointmentType, actor: User, colleague: User,
    change: str, field: str, message: str,
) -> None:  # fmt: skip
    format = "video"
    if change == "other_type":
        kind = AppointmentType.objects.create(
            clinician=clinician_of(colleague),
            name="Session", slug="s", duration_minutes=50,
        )  # fmt: skip
    elif change == "inactive":
        kind.active = False
        kind.save()
    elif change == "phone":
        format = "phone"  # the demo's individual session is in person or video
    else:
        client_set_status(
            client=client, status="discharged", actor=actor, request=None,
            now=utc("2027-03-01 12:00"),
        )  # fmt: skip

    with pytest.raises(SchedulingError, match=message) as caught:
        appointment_create(
            client=client, appointment_type=kind, format=format,
            start=utc("2027-03-16 14:00"), actor=actor, request=None,
        )  # fmt: skip
    assert caught.value.field == field
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("start", "outside"),
    [
        ("2027-03-16 14:00", False),  # Tuesday 10:00 EDT, inside 10-13
        ("2027-03-16 16:10", False),  # 12:10-13:00 EDT, just fits before lunch
        ("2027-03-16 16:30", True),  # 12:30-13:20 EDT runs into lunch
        ("2027-03-16 13:30", True),  # 09:30 EDT, before the day starts
        ("2027-03-20 14:00", True),  # a Saturday
        ("2027-03-12 14:00", False),  # Friday 09:00 EST: Friday mornings start at 9
        ("2027-03-19 13:00", False),  # Friday 09:00 EDT, a week later
        ("2027-03-19 14:00", False),  # Friday 10:00 EDT
        ("2027-03-19 12:00", True),  # Friday 08:00 EDT
    ],
)
def test_outside_working_hours_follows_the_rules_in_the_clinicians_zone(
    clinician: Clinician, kind: AppointmentType, start: str, outside: bool
) -> None:
    starts = [utc(start)]
    result = outside_working_hours(clinician=clinician, starts=starts, duration=kind.duration)
    assert result == (starts if outside else [])


def test_time_off_counts_as_outside_working_hours(
    clinician: Clinician, kind: AppointmentType
) -> None:
    AvailabilityRule.objects.create(
        clinician=clinician,
        kind="off",
        first_day=dt.date(2027, 3, 16),
        last_day=dt.date(2027, 3, 16),
    )
    starts = [utc("2027-03-16 14:00"), utc("2027-03-17 14:00")]
    assert outside_working_hours(clinician=clinician, starts=starts, duration=kind.duration) == [
        utc("2027-03-16 14:00")
    ]


# -- Series --------------------------------------------------------------------------------------

WEEKLY_ACROSS_SPRING = series_starts(
    first_day=dt.date(2027, 3, 8), wall=dt.time(10), tz=NEW_YORK, every_weeks=1, count=3
)


def _series(
    client: Client, kind: AppointmentType, actor: User, *, skip: bool,
    starts: list[dt.datetime] = WEEKLY_ACROSS_SPRING,
) -> SeriesResult:  # fmt: skip
    return appointment_series_create(
        client=client, appointment_type=kind, format="in_person", starts=starts,
        skip_collisions=skip, actor=actor, request=None,
    )  # fmt: skip


def test_a_weekly_series_across_the_spring_change_stays_at_ten_oclock(
    client: Client, kind: AppointmentType, actor: User, notified: list[tuple[int, str]]
) -> None:
    result = _series(client, kind, actor, skip=False)

    stored = list(Appointment.objects.filter(client=client).order_by("start"))
    assert [a.start.astimezone(NEW_YORK).strftime("%a %H:%M") for a in stored] == ["Mon 10:00"] * 3
    assert [a.start for a in stored] == [
        utc("2027-03-08 15:00"), utc("2027-03-15 14:00"), utc("2027-03-22 14:00"),
    ]  # fmt: skip
    assert result.skipped == []
    assert [event for _, event in notified] == ["booked"] * 3
    assert AuditEvent.objects.filter(summary="3 appointments booked as a series").count() == 1


def test_a_series_with_a_collision_books_nothing_and_names_the_date(
    client: Client, kind: AppointmentType, actor: User, notified: list[tuple[int, str]]
) -> None:
    other = client_of(client.clinician, "Lee T.")
    book(other, utc("2027-03-15 14:30"))  # overlaps the second session (10:00-10:50 EDT)

    with pytest.raises(SeriesCollision) as caught:
        _series(client, kind, actor, skip=False)

    assert caught.value.starts == [utc("2027-03-15 14:00")]
    assert "Mon Mar 15, 2027 10:00 AM" in caught.value.message
    assert "Nothing was booked" in caught.value.message
    assert not Appointment.objects.filter(client=client).exists()
    assert notified == []
    assert not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(summary__contains="series").exists()


def test_a_series_can_skip_the_dates_that_collide(
    client: Client, kind: AppointmentType, actor: User
) -> None:
    other = client_of(client.clinician, "Lee T.")
    book(other, utc("2027-03-15 14:30"))

    result = _series(client, kind, actor, skip=True)

    assert result.skipped == [utc("2027-03-15 14:00")]
    assert [a.start for a in result.booked] == [utc("2027-03-08 15:00"), utc("2027-03-22 14:00")]
    assert Appointment.objects.filter(client=client).count() == 2


def test_a_series_where_every_date_collides_books_nothing_even_when_skipping(
    client: Client, kind: AppointmentType, actor: User
) -> None:
    other = client_of(client.clinician, "Lee T.")
    for start in WEEKLY_ACROSS_SPRING:
        book(other, start)

    with pytest.raises(SchedulingError, match="Every date"):
        _series(client, kind, actor, skip=True)
    assert not Appointment.objects.filter(client=client).exists()


def test_a_series_is_limited_in_length(client: Client, kind: AppointmentType, actor: User) -> None:
    starts = series_starts(
        first_day=dt.date(2027, 1, 4), wall=dt.time(10), tz=NEW_YORK, every_weeks=1, count=53
    )
    with pytest.raises(SchedulingError, match="from 1 to 52") as caught:
        _series(client, kind, actor, skip=False, starts=starts)
    assert caught.value.field == "count"


# -- Moving and cancelling -----------------------------------------------------------------------


def test_moving_keeps_the_calendar_entry_and_the_client(
    client: Client, actor: User, notified: list[tuple[int, str]]
) -> None:
    old = book(client, utc("2027-03-16 14:00"))

    new = appointment_move(
        appointment=old,
        start=utc("2027-03-16 14:15"),
        now=NOW,
        policy=ChangePolicy.OFFICE,
        actor=actor,
        request=None,
    )

    old.refresh_from_db()
    assert old.status == Appointment.Status.RESCHEDULED
    assert old.rescheduled_to == new
    assert (new.start, new.end) == (utc("2027-03-16 14:15"), utc("2027-03-16 15:05"))
    assert new.client == client
    assert new.status == Appointment.Status.CONFIRMED
    assert new.ical_uid == old.ical_uid
    assert new.ical_sequence == old.ical_sequence + 1
    assert notified == [(new.pk, "rescheduled")]
    assert AuditEvent.objects.filter(client_uid=client.uid, summary="appointment moved").exists()


def test_moving_onto_another_appointment_changes_nothing(client: Client, actor: User) -> None:
    old = book(client, utc("2027-03-16 14:00"))
    book(client_of(client.clinician, "Lee T."), utc("2027-03-16 16:00"))

    with pytest.raises(TimeTaken, match=r"Lee T\."):
        appointment_move(
            appointment=old,
            start=utc("2027-03-16 15:30"),
            now=NOW,
            policy=ChangePolicy.OFFICE,
            actor=actor,
            request=None,
        )

    old.refresh_from_db()
    assert old.status == Appointment.Status.CONFIRMED
    assert old.rescheduled_to is None
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize("status", ["cancelled", "rescheduled", "completed", "declined"])
def test_only_an_active_appointment_can_be_moved_or_cancelled(
    client: Client, actor: User, status: str
) -> None:
    appointment = book(client, utc("2027-03-16 14:00"), status=status)

    with pytest.raises(SchedulingError, match="active"):
        appointment_move(
            appointment=appointment,
            start=utc("2027-03-17 14:00"),
            now=NOW,
            policy=ChangePolicy.OFFICE,
            actor=actor,
            request=None,
        )
    with pytest.raises(SchedulingError, match="no longer active"):
        appointment_cancel(
            appointment=appointment, now=NOW, policy=ChangePolicy.OFFICE, actor=actor, request=None
        )


def test_moving_to_the_same_time_is_refused(client: Client, actor: User) -> None:
    appointment = book(client, utc("2027-03-16 14:00"))
    with pytest.raises(SchedulingError, match="already has"):
        appointment_move(
            appointment=appointment,
            start=utc("2027-03-16 14:00"),
            now=NOW,
            policy=ChangePolicy.OFFICE,
            actor=actor,
            request=None,
        )


def test_cancelling_frees_the_time_and_tells_the_calendar(
    client: Client, kind: AppointmentType, actor: User, notified: list[tuple[int, str]]
) -> None:
    appointment = book(client, utc("2027-03-16 14:00"))

    cancelled = appointment_cancel(
        appointment=appointment, now=NOW, policy=ChangePolicy.OFFICE, actor=actor, request=None
    )

    assert cancelled.status == Appointment.Status.CANCELLED
    assert cancelled.ical_sequence == 1
    assert notified == [(appointment.pk, "cancelled")]
    assert _create(client, kind, utc("2027-03-16 14:00"), actor).pk


def test_a_consultation_moved_from_the_office_tells_the_person(
    clinician: Clinician, actor: User, notified: list[tuple[int, str]]
) -> None:
    consultation = request_for(clinician, email="robin@example.org", may_email=True)
    kind = AppointmentType.objects.get(clinician=clinician, slug="consultation")
    old = Appointment(
        clinician=clinician, appointment_type=kind, format="phone",
        start=utc("2027-03-16 14:00"), end=utc("2027-03-16 14:15"), consultation=consultation,
    )  # fmt: skip
    old.save()

    new = appointment_move(
        appointment=old,
        start=utc("2027-03-17 14:00"),
        now=NOW,
        policy=ChangePolicy.OFFICE,
        actor=actor,
        request=None,
    )

    assert new.consultation == consultation
    assert notified == [(new.pk, "rescheduled")]
    person_tasks = DBTaskResult.objects.filter(args_kwargs__args__2="person")
    assert person_tasks.count() == 1


def test_notices_about_a_client_session_do_not_fail_without_a_consultation(
    client: Client, kind: AppointmentType, actor: User, clinician: Clinician
) -> None:
    clinician.notify_email = "hannah@example.org"
    clinician.save()
    appointment = _create(client, kind, utc("2027-03-16 14:00"), actor)

    # A client's people hear from their own addresses; no message names anyone.
    people_with_email = [p.email for p in client.people.all() if p.email]
    expected = "sent" if people_with_email else "no address"
    assert message_task_run(appointment.pk, "booked", "person") == expected
    assert message_task_run(appointment.pk, "booked", "clinician") == "sent"
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(
        [*people_with_email, "hannah@example.org"]
    )
    for message in mail.outbox:
        assert "Sam" not in f"{message.subject} {message.body}"


# -- Consultation requests -----------------------------------------------------------------------


def test_a_request_is_marked_contacted_once(clinician: Clinician, actor: User) -> None:
    consultation = request_for(clinician)

    consultation_request_contacted(consultation=consultation, actor=actor, request=None)

    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.CONTACTED
    event = AuditEvent.objects.get(target_uid=consultation.uid)
    assert (event.action, event.summary, event.client_uid) == ("change", "marked contacted", None)
    with pytest.raises(SchedulingError, match="already marked"):
        consultation_request_contacted(consultation=consultation, actor=actor, request=None)


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_needs_a_reason(clinician: Clinician, actor: User, reason: str) -> None:
    consultation = request_for(clinician)
    with pytest.raises(SchedulingError, match="Say why") as caught:
        consultation_request_close(
            consultation=consultation, reason=reason, actor=actor, request=None
        )
    assert caught.value.field == "reason"
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NEW


def test_closing_keeps_the_reason_out_of_the_audit_log(clinician: Clinician, actor: User) -> None:
    consultation = request_for(clinician)

    consultation_request_close(
        consultation=consultation, reason="Referred to a trauma specialist", actor=actor,
        request=None,
    )  # fmt: skip

    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.CLOSED
    assert consultation.close_reason == "Referred to a trauma specialist"
    assert AuditEvent.objects.get(target_uid=consultation.uid).summary == "closed"
    with pytest.raises(SchedulingError, match="already been dealt with"):
        consultation_request_contacted(consultation=consultation, actor=actor, request=None)


def test_accepting_a_request_makes_a_couple_with_each_partners_own_wishes(
    clinician: Clinician, actor: User
) -> None:
    consultation = request_for(clinician, for_couple=True, partner_name="Alex")
    client = consultation_request_accept(
        consultation=consultation,
        kind=Client.Kind.COUPLE,
        people=[
            person_details_from_request(consultation),
            PersonDetails(name="Alex", email="alex@example.org", may_email=True),
        ],
        display_name="",
        actor=actor,
        request=None,
    )

    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.CLIENT
    assert client.consultation == consultation
    assert client.clinician == clinician
    assert client.display_name == "Robin and Alex"
    robin, alex = client.people.all()
    assert (robin.phone, robin.voicemail_ok, robin.safe_times) == (
        "212-555-0142", False, "weekdays after 6 pm",
    )  # fmt: skip
    assert (alex.email, alex.may_email, alex.phone) == ("alex@example.org", True, "")
    with pytest.raises(SchedulingError, match="already been dealt with"):
        consultation_request_accept(
            consultation=consultation, kind="individual",
            people=[person_details_from_request(consultation)], display_name="",
            actor=actor, request=None,
        )  # fmt: skip
    assert Client.objects.filter(consultation=consultation).count() == 1


def test_accepting_a_couple_without_the_partner_saves_nothing(
    clinician: Clinician, actor: User
) -> None:
    consultation = request_for(clinician)
    with pytest.raises(SchedulingError, match="both partners"):
        consultation_request_accept(
            consultation=consultation, kind=Client.Kind.COUPLE,
            people=[person_details_from_request(consultation)], display_name="",
            actor=actor, request=None,
        )  # fmt: skip
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NEW
    assert not Client.objects.exists()
