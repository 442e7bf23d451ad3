"""Booking and changing appointments against the real database, including its overlap guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from confide.clients.models import ConsultationRequest
from confide.practice.models import Clinician, Practice
from confide.scheduling.booking import appointment_book
from confide.scheduling.changes import (
    ChangePolicy,
    appointment_cancel,
    appointment_confirm,
    appointment_decline,
    appointment_move,
)
from confide.scheduling.errors import (
    AlreadyBooked,
    ContactMissing,
    InsideCancellationWindow,
    NotChangeable,
    SlotTaken,
    SlotUnavailable,
)
from confide.scheduling.events import Event, appointment_changed
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.requests import ContactDetails, consultation_request_create
from confide.scheduling.selectors import available_slots
from confide.scheduling.tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc("2027-03-08 12:00")  # a Monday, a week before New York's spring change


def _day(kind: AppointmentType, day: str, now: dt.datetime = NOW) -> list[str]:
    date = dt.date.fromisoformat(day)
    return [
        s.strftime("%H:%M")
        for s in available_slots(appointment_type=kind, now=now, first_day=date, last_day=date)
    ]


@pytest.mark.parametrize(
    ("day", "first", "last", "count"),
    [
        # Friday before the change: 09:00-13:00 EST is 14:00-18:00 UTC.
        ("2027-03-12", "14:00", "17:45", 16),
        # Monday after the change: 10-13 and 14-18 EDT are 14-17 and 18-22 UTC.
        ("2027-03-15", "14:00", "21:45", 28),
        # Monday before the change: 10-13 and 14-18 EST are 15-18 and 19-23 UTC.
        ("2027-03-08", "15:00", "22:45", 0),  # inside the 12-hour minimum notice: none that day
        ("2027-03-09", "15:00", "22:45", 28),
        # Saturday: no hours.
        ("2027-03-13", None, None, 0),
        # Sunday of the change itself: no hours either.
        ("2027-03-14", None, None, 0),
        # Monday after the autumn change: back to EST.
        ("2027-11-08", "15:00", "22:45", 28),
    ],
)
def test_consultation_slots_follow_wall_clock_hours_across_daylight_saving(
    consultation: AppointmentType, day: str, first: str | None, last: str | None, count: int
) -> None:
    now = NOW if day < "2027-11-01" else utc("2027-11-01 12:00")
    slots = _day(consultation, day, now)
    assert len(slots) == count
    if count:
        assert (slots[0], slots[-1]) == (first, last)


def test_an_existing_booking_blocks_its_time_and_both_buffers(
    consultation: AppointmentType, first_session: AppointmentType, clinician: Clinician
) -> None:
    # A 60-minute first session at 15:00 UTC on 2027-03-15, 10 minutes after it.
    Appointment.objects.create(
        clinician=clinician,
        appointment_type=first_session,
        format="video",
        start=utc("2027-03-15 15:00"),
        end=utc("2027-03-15 16:00"),
    )
    slots = _day(consultation, "2027-03-15")
    # A 15-minute consultation with 5 minutes after it must end by 14:55: 14:30 is the last.
    assert "14:30" in slots
    assert "14:45" not in slots
    # The session's 10-minute buffer runs to 16:10; the grid is anchored there.
    assert [s for s in slots if "16:00" <= s < "17:00"] == ["16:10", "16:25", "16:40"]


def test_whole_days_off_part_days_off_and_extra_hours(
    consultation: AppointmentType, clinician: Clinician
) -> None:
    Off = AvailabilityRule.Kind.OFF
    AvailabilityRule.objects.create(
        clinician=clinician, kind=Off, first_day=dt.date(2027, 3, 15), last_day=dt.date(2027, 3, 16)
    )
    AvailabilityRule.objects.create(
        clinician=clinician,
        kind=Off,
        first_day=dt.date(2027, 3, 17),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    AvailabilityRule.objects.create(
        clinician=clinician,
        kind=AvailabilityRule.Kind.EXTRA,
        first_day=dt.date(2027, 3, 20),
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    assert _day(consultation, "2027-03-15") == []
    assert _day(consultation, "2027-03-16") == []
    wednesday = _day(consultation, "2027-03-17")
    assert wednesday[0] == "16:00"  # 12:00 EDT, after the morning off
    assert _day(consultation, "2027-03-20") == ["13:00", "13:15", "13:30", "13:45"]


def test_slots_stop_at_the_booking_horizon(consultation: AppointmentType) -> None:
    last = NOW + dt.timedelta(days=consultation.horizon_days)
    slots = available_slots(
        appointment_type=consultation,
        now=NOW,
        first_day=dt.date(2027, 3, 1),
        last_day=dt.date(2027, 6, 1),
    )
    assert slots
    assert max(slots) <= last
    assert min(slots) >= NOW + dt.timedelta(minutes=consultation.min_notice_minutes)


@pytest.mark.parametrize("weeks", [1, 4, 52])
def test_slot_computation_costs_one_query_whatever_the_horizon(
    consultation: AppointmentType, weeks: int
) -> None:
    consultation.horizon_days = weeks * 7
    consultation.save()
    kind = AppointmentType.objects.select_related("clinician").get(pk=consultation.pk)
    with CaptureQueriesContext(connection) as queries:
        available_slots(
            appointment_type=kind,
            now=NOW,
            first_day=NOW.date(),
            last_day=NOW.date() + dt.timedelta(weeks=weeks),
        )
    assert len(queries) == 1


def test_booking_makes_a_confirmed_appointment_and_a_request(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    appointment = appointment_book(
        appointment_type=consultation,
        start=utc("2027-03-15 14:00"),
        format="phone",
        contact=contact,
        now=NOW,
        booking_key="k1",
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.end == utc("2027-03-15 14:15")
    assert (appointment.busy_start, appointment.busy_end) == (
        utc("2027-03-15 14:00"),
        utc("2027-03-15 14:20"),
    )
    assert appointment.consultation == ConsultationRequest.objects.get(name="Sam")
    assert not ConsultationRequest.objects.get().needs_attention


def test_a_note_with_crisis_language_raises_the_flag_and_still_books(
    consultation: AppointmentType,
) -> None:
    contact = ContactDetails(
        name="R", phone="(212) 555-0123", may_call=True, note="some nights I want to die"
    )
    appointment = appointment_book(
        appointment_type=consultation, start=utc("2027-03-15 14:00"), format="phone",
        contact=contact, now=NOW, booking_key="k",
    )  # fmt: skip
    assert appointment.status == Appointment.Status.CONFIRMED
    assert ConsultationRequest.objects.get().needs_attention


def test_types_that_need_approval_are_requested(
    first_session: AppointmentType, contact: ContactDetails
) -> None:
    start = available_slots(
        appointment_type=first_session,
        now=NOW,
        first_day=dt.date(2027, 3, 16),
        last_day=dt.date(2027, 3, 16),
    )[0]
    appointment = appointment_book(
        appointment_type=first_session,
        start=start,
        format="video",
        contact=contact,
        now=NOW,
        booking_key="k",
    )
    assert appointment.status == Appointment.Status.REQUESTED
    # A request holds its time until it is answered.
    assert start not in available_slots(
        appointment_type=first_session,
        now=NOW,
        first_day=dt.date(2027, 3, 16),
        last_day=dt.date(2027, 3, 16),
    )
    appointment_decline(appointment=appointment)
    assert start in available_slots(
        appointment_type=first_session,
        now=NOW,
        first_day=dt.date(2027, 3, 16),
        last_day=dt.date(2027, 3, 16),
    )
    with pytest.raises(NotChangeable):
        appointment_confirm(appointment=appointment)


@pytest.mark.parametrize(
    ("start", "format", "error"),
    [
        ("2027-03-15 13:00", "phone", SlotUnavailable),  # before hours
        ("2027-03-15 14:07", "phone", SlotUnavailable),  # off the grid
        ("2027-03-13 15:00", "phone", SlotUnavailable),  # a Saturday
        ("2027-03-08 15:00", "phone", SlotUnavailable),  # inside the minimum notice
        ("2027-03-01 15:00", "phone", SlotUnavailable),  # in the past
        ("2027-06-01 14:00", "phone", SlotUnavailable),  # beyond the horizon
        ("2027-03-15 14:00", "in_person", SlotUnavailable),  # a format this type doesn't have
    ],
)
def test_it_refuses_times_that_were_never_offered(
    consultation: AppointmentType, contact: ContactDetails, start: str, format: str, error: type
) -> None:
    with pytest.raises(error):
        appointment_book(
            appointment_type=consultation,
            start=utc(start),
            format=format,
            contact=contact,
            now=NOW,
            booking_key="k",
        )
    assert not Appointment.objects.exists()
    assert not ConsultationRequest.objects.exists()


def test_a_taken_time_says_so_and_leaves_nothing_behind(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    start = utc("2027-03-15 14:00")
    appointment_book(
        appointment_type=consultation,
        start=start,
        format="phone",
        contact=contact,
        now=NOW,
        booking_key="a",
    )
    with pytest.raises(SlotTaken):
        appointment_book(
            appointment_type=consultation,
            start=start,
            format="video",
            contact=contact,
            now=NOW,
            booking_key="b",
        )
    assert Appointment.objects.count() == 1
    assert ConsultationRequest.objects.count() == 1


def test_the_same_form_twice_books_once(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    kwargs = {
        "appointment_type": consultation,
        "start": utc("2027-03-15 14:00"),
        "format": "phone",
        "contact": contact,
        "now": NOW,
        "booking_key": "same",
    }
    first = appointment_book(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(AlreadyBooked) as replay:
        appointment_book(**kwargs)  # type: ignore[arg-type]
    assert replay.value.appointment == first
    assert Appointment.objects.count() == 1


def _row(
    clinician: Clinician, kind: AppointmentType, start: str, minutes: int, status: str = "confirmed"
) -> Appointment:
    return Appointment(
        clinician=clinician,
        appointment_type=kind,
        format="video",
        start=utc(start),
        end=utc(start) + dt.timedelta(minutes=minutes),
        status=status,
    )


@pytest.mark.parametrize(
    ("second", "minutes", "status", "allowed"),
    [
        ("2027-03-15 14:30", 50, "confirmed", False),  # plain overlap
        ("2027-03-15 14:55", 50, "confirmed", False),  # inside the first one's 10-minute buffer
        ("2027-03-15 15:00", 50, "confirmed", True),  # starts as the buffer ends
        ("2027-03-15 13:00", 60, "confirmed", False),  # its own buffer runs into the first
        ("2027-03-15 13:00", 50, "confirmed", True),  # ends with its buffer at 14:00 sharp
        ("2027-03-15 14:30", 50, "requested", False),  # a request holds its time too
        ("2027-03-15 14:30", 50, "cancelled", True),  # cancelled rows don't count
    ],
)
def test_the_database_refuses_overlaps_buffers_included(
    clinician: Clinician,
    first_session: AppointmentType,
    second: str,
    minutes: int,
    status: str,
    allowed: bool,
) -> None:
    individual = AppointmentType.objects.get(clinician=clinician, slug="individual")  # 10 min after
    _row(clinician, individual, "2027-03-15 14:00", 50).save()
    row = _row(clinician, individual, second, minutes, status)
    if allowed:
        row.save()
        assert Appointment.objects.count() == 2
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()
        assert Appointment.objects.count() == 1


def test_the_database_refuses_an_update_that_would_overlap(
    clinician: Clinician, first_session: AppointmentType
) -> None:
    _row(clinician, first_session, "2027-03-15 14:00", 60).save()
    other = _row(clinician, first_session, "2027-03-15 16:00", 60)
    other.save()
    other.start, other.end = utc("2027-03-15 14:30"), utc("2027-03-15 15:30")
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_other_clinicians_may_overlap(clinician: Clinician, first_session: AppointmentType) -> None:
    colleague = Clinician.objects.create(
        name="Avery Stone", slug="avery-stone", credentials="LCSW", license_number="1", bio="b"
    )
    kind = AppointmentType.objects.create(
        clinician=colleague, name="S", slug="s", duration_minutes=50
    )
    _row(clinician, first_session, "2027-03-15 14:00", 60).save()
    _row(colleague, kind, "2027-03-15 14:00", 50).save()
    assert Appointment.objects.count() == 2


def _booked(
    consultation: AppointmentType, contact: ContactDetails, start: str = "2027-03-15 14:00"
) -> Appointment:
    return appointment_book(
        appointment_type=consultation,
        start=utc(start),
        format="phone",
        contact=contact,
        now=NOW,
        booking_key=start,
    )


def test_rescheduling_keeps_the_calendar_identity_and_retires_the_old_link(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    old = _booked(consultation, contact)
    new = appointment_move(
        appointment=old, start=utc("2027-03-15 14:15"), now=NOW, policy=ChangePolicy.ONLINE
    )
    old.refresh_from_db()
    assert old.status == Appointment.Status.RESCHEDULED
    assert old.rescheduled_to == new
    assert new.status == Appointment.Status.CONFIRMED
    assert new.ical_uid == old.ical_uid
    assert new.ical_sequence == old.ical_sequence + 1
    assert new.manage_key != old.manage_key
    assert new.consultation == old.consultation
    with pytest.raises(NotChangeable):
        appointment_move(
            appointment=old, start=utc("2027-03-15 15:00"), now=NOW, policy=ChangePolicy.ONLINE
        )
    with pytest.raises(NotChangeable):
        appointment_cancel(appointment=old, now=NOW, policy=ChangePolicy.ONLINE)


def test_rescheduling_to_a_taken_time_changes_nothing(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    mine = _booked(consultation, contact)
    # Free time after a booking starts at its buffer's end: 14:20, 14:35, 14:50 ...
    _booked(consultation, contact, "2027-03-15 14:50")
    with pytest.raises(SlotTaken):
        appointment_move(
            appointment=mine, start=utc("2027-03-15 14:50"), now=NOW, policy=ChangePolicy.ONLINE
        )
    mine.refresh_from_db()
    assert mine.status == Appointment.Status.CONFIRMED
    assert Appointment.objects.count() == 2


def test_cancelling_frees_the_time_and_cannot_be_repeated(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    appointment = _booked(consultation, contact)
    appointment_cancel(appointment=appointment, now=NOW, policy=ChangePolicy.ONLINE)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.ical_sequence == 1
    assert "14:00" in _day(consultation, "2027-03-15")
    with pytest.raises(NotChangeable):
        appointment_cancel(appointment=appointment, now=NOW, policy=ChangePolicy.ONLINE)


def test_inside_the_cancellation_window_people_are_asked_to_call(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    Practice.objects.update(cancellation_window_hours=24)
    appointment = _booked(consultation, contact)
    late = appointment.start - dt.timedelta(hours=23)
    with pytest.raises(InsideCancellationWindow):
        appointment_cancel(appointment=appointment, now=late, policy=ChangePolicy.ONLINE)
    with pytest.raises(InsideCancellationWindow):
        appointment_move(
            appointment=appointment,
            start=utc("2027-03-16 14:00"),
            now=late,
            policy=ChangePolicy.ONLINE,
        )
    # The clinician can still cancel from the office.
    appointment_cancel(appointment=appointment, now=late, policy=ChangePolicy.OFFICE)


def test_a_request_without_a_time_needs_a_way_to_reach_them(clinician: Clinician) -> None:
    with pytest.raises(ContactMissing):
        consultation_request_create(
            clinician=clinician, contact=ContactDetails(name="X"), preferred_times="any"
        )
    request = consultation_request_create(
        clinician=clinician,
        contact=ContactDetails(name="X", phone="(212) 555-0111", may_text=True),
        preferred_times="I don't want to be alive some days, but evenings work",
    )
    assert request.needs_attention is True


def test_a_client_session_moved_through_its_link_stays_the_clients(
    consultation: AppointmentType, contact: ContactDetails, clinician: Clinician
) -> None:
    from confide.clients.models import Client

    client = Client.objects.create(clinician=clinician, display_name="Sam R.")
    appointment = _booked(consultation, contact)
    Appointment.objects.filter(pk=appointment.pk).update(client=client)
    appointment.refresh_from_db()
    new = appointment_move(
        appointment=appointment, start=utc("2027-03-15 14:15"), now=NOW, policy=ChangePolicy.ONLINE
    )
    assert new.client == client
    assert new.consultation == appointment.consultation


# -- Announcing changes --------------------------------------------------------------------------


@pytest.fixture
def announced() -> Iterator[list[tuple[str, bool, object]]]:
    """Record each change scheduling announces: (event, inside a transaction, actor)."""
    calls: list[tuple[str, bool, object]] = []

    def record(
        sender: Any, *, appointment: Appointment, event: Event, actor: Any, **_: Any
    ) -> None:
        calls.append((str(event), connection.in_atomic_block, actor))

    appointment_changed.connect(record)
    yield calls
    appointment_changed.disconnect(record)


@pytest.mark.django_db(transaction=True)
def test_every_change_is_announced_inside_its_own_transaction(
    consultation: AppointmentType,
    contact: ContactDetails,
    announced: list[tuple[str, bool, object]],
) -> None:
    booked = _booked(consultation, contact)
    moved = appointment_move(
        appointment=booked, start=utc("2027-03-15 14:15"), now=NOW, policy=ChangePolicy.ONLINE
    )
    appointment_cancel(appointment=moved, now=NOW, policy=ChangePolicy.ONLINE)

    # No actor: the person who booked made each change through their link.
    assert announced == [
        ("booked", True, None),
        ("rescheduled", True, None),
        ("cancelled", True, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_listener_that_fails_undoes_the_booking(
    consultation: AppointmentType, contact: ContactDetails
) -> None:
    requests_before = ConsultationRequest.objects.count()

    def fail(sender: Any, **details: Any) -> None:
        raise RuntimeError("a listener failed")

    appointment_changed.connect(fail)
    try:
        with pytest.raises(RuntimeError, match="a listener failed"):
            _booked(consultation, contact)
    finally:
        appointment_changed.disconnect(fail)

    assert not Appointment.objects.exists()
    assert ConsultationRequest.objects.count() == requests_before
