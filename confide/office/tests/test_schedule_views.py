"""The office calendar and the appointment pages: access, time zones, bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.office.tests.factories import (
    book,
    client_of,
    clinician_of,
    demo_clinician,
    session_type,
    therapist_user,
    utc,
)
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType

SignIn = Callable[..., HttpClient]


@pytest.fixture
def therapist(demo: None) -> User:
    """The demo clinician's own account, limited to the demo clinician's clients."""
    return therapist_user()


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


@pytest.fixture
def session(sam: Client) -> Appointment:
    return book(sam, utc("2027-03-16 14:00"))  # Tuesday 10:00 EDT


def _users(request: pytest.FixtureRequest, who: str) -> User:
    user: User = request.getfixturevalue({"clinician": "therapist"}.get(who, who))
    return user


# -- Access --------------------------------------------------------------------------------------

PAGES = [
    ("get", "/office/calendar/"),
    ("get", "/office/appointments/new/"),
    ("get", "/office/appointments/{pk}/"),
    ("post", "/office/appointments/{pk}/move/"),
    ("post", "/office/appointments/{pk}/cancel/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: HttpClient, session: Appointment, method: str, path: str
) -> None:
    response = getattr(client, method)(path.format(pk=session.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/office/account/login/")
    session.refresh_from_db()
    assert session.status == Appointment.Status.CONFIRMED


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_signed_in_stranger_is_refused(
    signed_in: SignIn, stranger: User, session: Appointment, method: str, path: str
) -> None:
    response = getattr(signed_in(stranger), method)(path.format(pk=session.pk))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_staff_without_the_second_factor_get_nothing(
    signed_in: SignIn, therapist: User, session: Appointment, method: str, path: str
) -> None:
    response = getattr(signed_in(therapist, second_factor=False), method)(
        path.format(pk=session.pk)
    )
    assert response.status_code == 302
    assert "/office/account/" in response["Location"]


@pytest.mark.parametrize(("method", "path"), [p for p in PAGES if "{pk}" in p[1]])
def test_another_clinician_cannot_find_the_appointment(
    signed_in: SignIn, colleague: User, session: Appointment, method: str, path: str
) -> None:
    response = getattr(signed_in(colleague), method)(
        path.format(pk=session.pk), {"date": "2027-03-17", "time": "10:00"}
    )
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == Appointment.Status.CONFIRMED


@pytest.mark.parametrize("who", ["owner", "clinician", "practice_manager"])
def test_staff_who_run_the_schedule_open_the_appointment(
    request: pytest.FixtureRequest, signed_in: SignIn, session: Appointment, who: str
) -> None:
    response = signed_in(_users(request, who)).get(f"/office/appointments/{session.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sam R." in html
    assert (
        "Tuesday, March 16, 2027, 10:00 AM\N{EN DASH}10:50 AM"
        '<br><span class="meta">Eastern Time (New York)</span>' in html
    )
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_opening_a_clients_appointment_is_audited(
    signed_in: SignIn, practice_manager: User, session: Appointment, sam: Client
) -> None:
    signed_in(practice_manager).get(f"/office/appointments/{session.pk}/")
    event = AuditEvent.objects.get(client_uid=sam.uid, action="view")
    assert (event.actor, event.summary) == (practice_manager, "opened appointment")


# -- Calendar ------------------------------------------------------------------------------------


def test_the_week_lists_each_day_with_times_in_the_clinicians_zone(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(sam, utc("2027-03-12 15:00"))  # Friday 10:00 EST
    book(sam, utc("2027-03-15 14:00"))  # Monday 10:00 EDT, after the change
    book(sam, utc("2027-03-16 14:00"), status=Appointment.Status.CANCELLED)

    response = signed_in(therapist).get("/office/calendar/?date=2027-03-17&view=list")

    html = response.content.decode()
    assert "Week of March 15, 2027" in html
    for day in ["Monday, March 15", "Tuesday, March 16", "Sunday, March 21"]:
        assert f">{day}" in html
    assert "Friday, March 12" not in html
    assert html.count('class="appt appt--') == 1  # the cancelled one is not shown
    assert "10:00 AM</time>\N{EN DASH}10:50 AM" in html


@pytest.mark.parametrize(
    ("day", "utc_start", "shown"),
    [
        # A 23-hour day: an appointment at 23:30 EDT (03:30 UTC next day) still belongs to it.
        ("2027-03-14", "2027-03-15 03:30", "11:30 PM"),
        ("2027-03-14", "2027-03-14 05:30", "12:30 AM"),
        # A 25-hour day: both 01:30s belong to it.
        ("2027-11-07", "2027-11-07 05:30", "1:30 AM"),
        ("2027-11-07", "2027-11-07 06:30", "1:30 AM"),
        ("2027-11-07", "2027-11-08 04:30", "11:30 PM"),
    ],
)
def test_a_day_runs_from_midnight_to_midnight_on_the_clinicians_clock(
    signed_in: SignIn, therapist: User, sam: Client, day: str, utc_start: str, shown: str
) -> None:
    book(sam, utc(utc_start))

    html = signed_in(therapist).get(f"/office/calendar/?date={day}&view=day").content.decode()

    assert f"{shown}</time>" in html


def test_the_day_before_and_after_do_not_show_appointments_of_the_edge(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(sam, utc("2027-03-15 03:30"))  # 23:30 EDT on March 14
    html = signed_in(therapist).get("/office/calendar/?date=2027-03-15&view=day").content.decode()
    assert "No appointments." in html


def test_a_clinician_sees_only_their_own_calendar(
    signed_in: SignIn, colleague: User, sam: Client
) -> None:
    book(sam, utc("2027-03-16 14:00"))
    html = signed_in(colleague).get("/office/calendar/?date=2027-03-16&view=day").content.decode()
    assert "Sam R." not in html
    assert 'name="clinician"' not in html


@pytest.mark.parametrize("who", ["owner", "practice_manager"])
def test_the_owner_and_manager_see_every_clinician_and_can_filter(
    request: pytest.FixtureRequest, signed_in: SignIn, colleague: User, sam: Client, who: str
) -> None:
    other: Clinician = clinician_of(colleague)
    kim = client_of(other, "Kim P.")
    AppointmentType.objects.create(
        clinician=other, name="Session", slug="individual", duration_minutes=50
    )
    book(sam, utc("2027-03-16 14:00"))
    book(kim, utc("2027-03-16 14:00"))
    office = signed_in(_users(request, who))

    everyone = office.get("/office/calendar/?date=2027-03-16&view=day").content.decode()
    just_robin = office.get(
        f"/office/calendar/?date=2027-03-16&view=day&clinician={other.pk}"
    ).content.decode()

    assert "Sam R." in everyone
    assert "Kim P." in everyone
    assert "Robin Ashdown" in everyone  # whose appointment it is, when several are shown
    assert "Kim P." in just_robin
    assert "Sam R." not in just_robin


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date=2027-02-30", "date", "Enter a date like 2027-03-14."),
        ("date=yesterday", "date", "Enter a date like 2027-03-14."),
        ("view=year", "view", "Select a valid choice."),
        ("clinician=9999", "clinician", "Choose a clinician from the list."),
        ("clinician=abc", "clinician", "Choose a clinician from the list."),
    ],
)
def test_bad_calendar_input_is_explained_next_to_the_field(
    signed_in: SignIn, owner: User, demo: None, query: str, field: str, message: str
) -> None:
    response = signed_in(owner).get(f"/office/calendar/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error">{message}' in html
    assert "Week of" in html  # and the current week is still shown


# -- Booking -------------------------------------------------------------------------------------


def _form(who: Client, **changes: str) -> dict[str, str]:
    data = {
        "client": str(who.pk),
        "appointment_type": str(session_type(who.clinician).pk),
        "format": "video",
        "date": "2027-03-16",
        "time": "10:00",
        "repeat": "0",
        "count": "",
    }
    data.update(changes)
    return data


def test_booking_a_session_reads_the_time_in_the_clinicians_zone(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    response = signed_in(therapist).post("/office/appointments/new/", _form(sam), follow=True)

    appointment = Appointment.objects.get(client=sam)
    assert appointment.start == utc("2027-03-16 14:00")
    assert response.redirect_chain[-1][0] == f"/office/appointments/{appointment.pk}/"
    assert "Booked for Tuesday, March 16, 10:00 AM." in response.content.decode()


@pytest.mark.parametrize(
    ("date", "time", "expected_utc", "warning"),
    [
        ("2027-03-14", "10:00", "2027-03-14 14:00", "Outside your working hours"),  # a Sunday
        ("2027-11-07", "10:00", "2027-11-07 15:00", "Outside your working hours"),
        ("2027-03-14", "02:30", "2027-03-14 07:30", "does not exist on Mar 14"),
        ("2027-11-07", "01:30", "2027-11-07 05:30", "happens twice on Nov 7"),
        ("2027-03-15", "10:00", "2027-03-15 14:00", None),
        ("2027-11-08", "10:00", "2027-11-08 15:00", None),
    ],
)
def test_booking_on_daylight_saving_days_converts_and_warns(
    signed_in: SignIn, therapist: User, sam: Client,
    date: str, time: str, expected_utc: str, warning: str | None,
) -> None:  # fmt: skip
    response = signed_in(therapist).post(
        "/office/appointments/new/", _form(sam, date=date, time=time), follow=True
    )

    assert Appointment.objects.get(client=sam).start == utc(expected_utc)
    html = response.content.decode()
    if warning:
        assert warning in html
    else:
        assert "Outside your working hours" not in html
        assert "clocks go" not in html


def test_a_weekly_series_across_the_change_keeps_ten_oclock(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    response = signed_in(therapist).post(
        "/office/appointments/new/",
        _form(sam, date="2027-03-08", repeat="1", count="3"),
        follow=True,
    )

    starts = list(Appointment.objects.filter(client=sam).values_list("start", flat=True))
    assert starts == [utc("2027-03-08 15:00"), utc("2027-03-15 14:00"), utc("2027-03-22 14:00")]
    assert "Booked 3 sessions, the first on Monday, March 8, 10:00 AM." in response.content.decode()


def test_a_series_with_collisions_asks_before_skipping_them(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(client_of(demo_clinician(), "Lee T."), utc("2027-03-22 14:00"))
    office = signed_in(therapist)
    form = _form(sam, date="2027-03-08", repeat="2", count="3")  # Mar 8, Mar 22, Apr 5

    first = office.post("/office/appointments/new/", form)

    assert first.status_code == 200
    html = first.content.decode()
    assert "Mon Mar 22, 2027 10:00 AM" in html
    assert "Nothing was booked" in html
    assert 'name="skip_collisions"' in html
    assert not Appointment.objects.filter(client=sam).exists()

    second = office.post(
        "/office/appointments/new/", {**form, "skip_collisions": "on"}, follow=True
    )

    starts = list(Appointment.objects.filter(client=sam).values_list("start", flat=True))
    assert starts == [utc("2027-03-08 15:00"), utc("2027-04-05 14:00")]
    assert "Skipped because they overlap another appointment: Mar 22." in second.content.decode()


def test_a_single_booking_that_overlaps_says_with_whom(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(client_of(demo_clinician(), "Lee T."), utc("2027-03-16 14:30"))

    response = signed_in(therapist).post("/office/appointments/new/", _form(sam))

    html = response.content.decode()
    assert 'id="id_time_error">That time overlaps the appointment with Lee T.' in html
    assert not Appointment.objects.filter(client=sam).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"client": ""}, "client", "Choose the client."),
        ({"client": "999999"}, "client", "Choose a client from the list."),
        ({"appointment_type": ""}, "appointment_type", "Choose the type of appointment."),
        ({"appointment_type": "x"}, "appointment_type", "Choose a type from the list."),
        ({"format": ""}, "format", "Choose in person, video or phone."),
        ({"format": "phone"}, "format", "Individual session is held in person, video only."),
        ({"format": "fax"}, "format", "Choose in person, video or phone."),
        ({"date": ""}, "date", "Enter the date."),
        ({"date": "2027-02-29"}, "date", "Enter a date like 2027-03-14."),
        ({"date": "16/03/2027"}, "date", "Enter a date like 2027-03-14."),
        ({"time": ""}, "time", "Enter the start time."),
        ({"time": "25:00"}, "time", "Enter a time like 14:30."),
        ({"repeat": "3"}, "repeat", "Choose how often it repeats."),
        ({"repeat": "1"}, "count", "Enter how many sessions the series has."),
        ({"repeat": "1", "count": "1"}, "count", "A series has at least 2 sessions."),
        ({"repeat": "1", "count": "53"}, "count", "A series has at most 52 sessions."),
        ({"repeat": "1", "count": "two"}, "count", "Enter a whole number."),
    ],
)
def test_bad_booking_input_is_explained_next_to_the_field_and_nothing_is_saved(
    signed_in: SignIn, therapist: User, sam: Client,
    changes: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    response = signed_in(therapist).post("/office/appointments/new/", _form(sam, **changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error">{message}' in html
    assert 'class="error-summary"' in html
    assert not Appointment.objects.exists()


def test_a_type_of_another_clinician_is_refused(
    signed_in: SignIn, owner: User, sam: Client, colleague: User
) -> None:
    other = AppointmentType.objects.create(
        clinician=clinician_of(colleague),
        name="Session", slug="individual", duration_minutes=50,
    )  # fmt: skip

    response = signed_in(owner).post(
        "/office/appointments/new/", _form(sam, appointment_type=str(other.pk))
    )

    assert "the client&#x27;s clinician" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_clinician_cannot_book_for_another_clinicians_client(
    signed_in: SignIn, colleague: User, sam: Client
) -> None:
    response = signed_in(colleague).post("/office/appointments/new/", _form(sam))
    html = response.content.decode()
    assert 'id="id_client_error">Choose a client from the list.' in html
    assert "Sam R." not in html
    assert not Appointment.objects.exists()


def test_discharged_clients_are_not_offered(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    Client.objects.filter(pk=sam.pk).update(status=Client.Status.DISCHARGED)
    html = signed_in(therapist).get("/office/appointments/new/").content.decode()
    assert "Sam R." not in html


def test_the_client_can_be_chosen_from_their_page(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    html = signed_in(therapist).get(f"/office/appointments/new/?client={sam.uid}").content.decode()
    assert f'<option value="{sam.pk}" selected>' in html
    bad = signed_in(therapist).get("/office/appointments/new/?client=not-a-uuid")
    assert bad.status_code == 200


# -- Moving and cancelling -----------------------------------------------------------------------


def test_moving_reads_the_new_time_in_the_clinicians_zone(
    signed_in: SignIn, therapist: User, session: Appointment
) -> None:
    response = signed_in(therapist).post(
        f"/office/appointments/{session.pk}/move/",
        {"date": "2027-11-08", "time": "10:00"},
        follow=True,
    )

    new = Appointment.objects.get(status=Appointment.Status.CONFIRMED)
    assert new.start == utc("2027-11-08 15:00")
    assert response.redirect_chain[-1][0] == f"/office/appointments/{new.pk}/"
    assert "Moved to Monday, November 8, 10:00 AM." in response.content.decode()


def test_moving_outside_hours_warns_but_moves(
    signed_in: SignIn, therapist: User, session: Appointment
) -> None:
    response = signed_in(therapist).post(
        f"/office/appointments/{session.pk}/move/", {"date": "2027-03-20", "time": "10:00"},
        follow=True,
    )  # fmt: skip
    assert "outside working hours" in response.content.decode()
    assert Appointment.objects.get(status="confirmed").start == utc("2027-03-20 14:00")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "", "time": "10:00"}, "date", "Enter the date."),
        ({"date": "2027-13-01", "time": "10:00"}, "date", "Enter a date like 2027-03-14."),
        ({"date": "2027-03-17", "time": "noon"}, "time", "Enter a time like 14:30."),
        ({"date": "2027-03-16", "time": "10:00"}, "time", "That is the time it already has."),
        ({"date": "2027-03-16", "time": "11:30"}, "time",
         "That time overlaps the appointment with Lee T."),
    ],
)  # fmt: skip
def test_bad_move_input_is_explained_and_nothing_changes(
    signed_in: SignIn, therapist: User, session: Appointment,
    data: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    book(client_of(demo_clinician(), "Lee T."), utc("2027-03-16 16:00"))

    response = signed_in(therapist).post(f"/office/appointments/{session.pk}/move/", data)

    assert response.status_code == 400
    assert f'id="id_{field}_error">{message}' in response.content.decode()
    session.refresh_from_db()
    assert session.status == Appointment.Status.CONFIRMED
    assert Appointment.objects.count() == 2


def test_the_move_and_cancel_pages_answer_only_posts(
    signed_in: SignIn, therapist: User, session: Appointment
) -> None:
    office = signed_in(therapist)
    assert office.get(f"/office/appointments/{session.pk}/move/").status_code == 405
    assert office.get(f"/office/appointments/{session.pk}/cancel/").status_code == 405


@pytest.mark.parametrize("who", ["clinician", "practice_manager"])
def test_cancelling_from_the_office(
    request: pytest.FixtureRequest, signed_in: SignIn, session: Appointment, who: str
) -> None:
    office = signed_in(_users(request, who))

    unsaid = office.post(f"/office/appointments/{session.pk}/cancel/", follow=True)
    assert "Say who is cancelling" in unsaid.content.decode()
    session.refresh_from_db()
    assert session.status == Appointment.Status.CONFIRMED

    response = office.post(
        f"/office/appointments/{session.pk}/cancel/", {"by": "practice"}, follow=True
    )

    session.refresh_from_db()
    assert session.status == Appointment.Status.CANCELLED
    assert session.outcome == Appointment.Outcome.CANCELLED_BY_PRACTICE
    html = response.content.decode()
    assert "The appointment is cancelled." in html
    assert "Cancel this appointment" not in html  # nothing left to do with it

    again = office.post(
        f"/office/appointments/{session.pk}/cancel/", {"by": "practice"}, follow=True
    )
    assert "This appointment is no longer active." in again.content.decode()


def test_a_past_session_can_be_seen_in_the_calendar_day_by_date(
    signed_in: SignIn, therapist: User, sam: Client
) -> None:
    book(sam, utc("2020-01-06 15:00"), status=Appointment.Status.COMPLETED)
    html = signed_in(therapist).get("/office/calendar/?date=2020-01-06&view=day").content.decode()
    assert "Completed" in html


def test_links_between_days_keep_the_view_and_clinician(
    signed_in: SignIn, owner: User, demo: None
) -> None:
    clinician = demo_clinician()
    html = (
        signed_in(owner)
        .get(f"/office/calendar/?date=2027-03-14&view=day&clinician={clinician.pk}")
        .content.decode()
    )
    assert f"?date=2027-03-13&amp;view=day&amp;clinician={clinician.pk}" in html
    assert f"?date=2027-03-15&amp;view=day&amp;clinician={clinician.pk}" in html
    assert dt.date(2027, 3, 14).strftime("%A") in html
