"""Editing appointment types and hours in the office, and answering requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from confide.scheduling.booking import appointment_book
from confide.scheduling.models import Appointment, AppointmentType, AvailabilityRule
from confide.scheduling.requests import ContactDetails
from confide.scheduling.selectors import available_slots, bookable_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client: Client, demo: None, owner: User) -> Client:
    client.force_login(owner)
    return client


def _rule(clinician_pk: int, **changes: str) -> dict[str, str]:
    data = {
        "clinician": str(clinician_pk),
        "kind": "weekly",
        "weekday": "1",
        "first_day": "",
        "last_day": "",
        "start_time": "09:00",
        "end_time": "12:00",
        "note": "",
    }
    return data | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"start_time": "12:00", "end_time": "09:00"},
            "The end time must be after the start time.",
        ),
        ({"end_time": ""}, "Give both a start and an end time, or neither."),
        ({"weekday": ""}, "Choose a weekday."),
        ({"weekday": "9"}, "Select a valid choice."),
        ({"start_time": "", "end_time": ""}, "Weekly hours need a start and an end time."),
        ({"start_time": "25:00"}, "Enter a valid time."),
        ({"kind": "extra", "weekday": ""}, "Choose the date."),
        (
            {"kind": "off", "weekday": "", "start_time": "", "end_time": ""},
            "Choose the first day off.",
        ),
        (
            {
                "kind": "off",
                "first_day": "2027-03-10",
                "last_day": "2027-03-01",
                "start_time": "",
                "end_time": "",
            },
            "The last day cannot be before the first.",
        ),
        ({"kind": "off", "first_day": "2027-02-30"}, "Enter a valid date."),
        ({"kind": "holiday"}, "Select a valid choice."),
    ],
)
def test_hours_and_time_off_reject_bad_input_with_a_message(
    office: Client, changes: dict[str, str], message: str
) -> None:
    from confide.practice.models import Clinician

    count = AvailabilityRule.objects.count()
    response = office.post(
        "/office/admin/scheduling/availabilityrule/add/",
        _rule(Clinician.objects.get().pk, **changes),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AvailabilityRule.objects.count() == count


def test_time_off_entered_in_the_office_removes_slots(office: Client) -> None:
    from confide.practice.models import Clinician

    clinician = Clinician.objects.get()
    kind = AppointmentType.objects.get(slug="consultation")
    first, last = bookable_window(appointment_type=kind, now=timezone.now())
    before = available_slots(
        appointment_type=kind, now=timezone.now(), first_day=first, last_day=last
    )
    day = before[-1].astimezone(clinician.tz()).date()
    response = office.post(
        "/office/admin/scheduling/availabilityrule/add/",
        _rule(
            clinician.pk,
            kind="off",
            weekday="",
            first_day=day.isoformat(),
            start_time="",
            end_time="",
        ),
    )
    assert response.status_code == 302
    after = available_slots(
        appointment_type=kind, now=timezone.now(), first_day=first, last_day=last
    )
    assert not [s for s in after if s.astimezone(clinician.tz()).date() == day]
    assert len(after) < len(before)


def _type(clinician_pk: int, **changes: str) -> dict[str, str]:
    data = {
        "clinician": str(clinician_pk), "name": "Walk", "slug": "walk", "kind": "individual",
        "active": "on", "order": "0",
        "duration_minutes": "50", "buffer_before_minutes": "0", "buffer_after_minutes": "10",
        "video": "on", "fee": "150", "booking": "office", "min_notice_minutes": "60",
        "horizon_days": "30", "slot_step_minutes": "15",
    }  # fmt: skip
    return data | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_minutes": "0"}, "greater than or equal to 5"),
        ({"duration_minutes": "abc"}, "Enter a whole number."),
        ({"video": ""}, "Choose at least one format"),
        ({"fee": "-5"}, "greater than or equal to 0"),
        ({"slot_step_minutes": "1"}, "greater than or equal to 5"),
        ({"horizon_days": "0"}, "greater than or equal to 1"),
        ({"slug": "consultation"}, "already exists"),
        ({"booking": "anyone"}, "Select a valid choice."),
    ],
)
def test_appointment_types_reject_bad_input_with_a_message(
    office: Client, changes: dict[str, str], message: str
) -> None:
    from confide.practice.models import Clinician

    count = AppointmentType.objects.count()
    response = office.post(
        "/office/admin/scheduling/appointmenttype/add/",
        _type(Clinician.objects.get().pk, **changes),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AppointmentType.objects.count() == count


def test_the_office_confirms_and_declines_requests(office: Client) -> None:
    kind = AppointmentType.objects.get(slug="first-session")
    first, last = bookable_window(appointment_type=kind, now=timezone.now())
    slots = available_slots(
        appointment_type=kind, now=timezone.now(), first_day=first, last_day=last
    )
    made = [
        appointment_book(
            appointment_type=kind, start=start, format="video",
            contact=ContactDetails(name=f"P{i}", email="p@example.org"),
            now=timezone.now(), booking_key=str(i),
        )
        for i, start in enumerate([slots[0], slots[-1]])
    ]  # fmt: skip
    url = "/office/admin/scheduling/appointment/"
    office.post(url, {"action": "confirm_requests", "_selected_action": [str(made[0].pk)]})
    office.post(url, {"action": "decline_requests", "_selected_action": [str(made[1].pk)]})
    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses == {made[0].pk: "confirmed", made[1].pk: "declined"}
    response = office.post(
        url, {"action": "confirm_requests", "_selected_action": [str(made[1].pk)]}, follow=True
    )
    assert "Only a requested appointment can be confirmed." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/office/admin/scheduling/appointment/",
        "/office/admin/scheduling/appointmenttype/",
        "/office/admin/scheduling/availabilityrule/add/",
        "/office/admin/clients/consultationrequest/",
    ],
)
def test_scheduling_office_pages_need_a_staff_sign_in(
    client: Client, demo: None, stranger: User, url: str
) -> None:
    assert client.get(url)["Location"].startswith("/office/admin/login/")
    client.force_login(stranger)
    assert client.get(url)["Location"].startswith("/office/admin/login/")


def test_requests_show_contact_wishes_first(office: Client) -> None:
    from confide.clients.models import ConsultationRequest
    from confide.practice.models import Clinician

    ConsultationRequest.objects.create(
        clinician=Clinician.objects.get(), name="Q", phone="(212) 555-0101", may_call=True,
        voicemail_ok=False, may_name_practice=False, needs_attention=True,
    )  # fmt: skip
    html = office.get("/office/admin/clients/consultationrequest/").content.decode()
    assert "no voicemail" in html
    assert "don&#x27;t name the practice" in html or "don't name the practice" in html


def test_the_clinician_page_shows_the_private_feed_and_it_can_be_replaced(
    client: Client, demo: None
) -> None:
    from confide.practice.demo import DEMO_USERNAME
    from confide.practice.models import Clinician

    # The demo's therapist is the owner and the clinician: the feed on this page is their own.
    office = client
    office.force_login(User.objects.get(username=DEMO_USERNAME))
    clinician = Clinician.objects.get()
    old = clinician.calendar_token
    html = office.get(f"/office/admin/practice/clinician/{clinician.pk}/change/").content.decode()
    assert f"http://testserver/calendar/{old}.ics" in html
    assert office.get(f"/calendar/{old}.ics").status_code == 200
    office.post(
        "/office/admin/practice/clinician/",
        {"action": "replace_calendar_feed", "_selected_action": [str(clinician.pk)]},
    )
    clinician.refresh_from_db()
    assert clinician.calendar_token != old
    assert office.get(f"/calendar/{old}.ics").status_code == 404
    assert office.get(f"/calendar/{clinician.calendar_token}.ics").status_code == 200


def test_the_private_feed_is_shown_to_no_one_but_its_clinician(office: Client) -> None:
    from confide.practice.models import Clinician

    clinician = Clinician.objects.get()
    html = office.get(f"/office/admin/practice/clinician/{clinician.pk}/change/").content.decode()
    assert clinician.calendar_token not in html


def test_a_practice_manager_neither_sees_nor_replaces_feed_addresses(
    client: Client, demo: None, practice_manager: User
) -> None:
    from confide.practice.models import Clinician

    client.force_login(practice_manager)
    clinician = Clinician.objects.get()
    old = clinician.calendar_token
    page = client.get(f"/office/admin/practice/clinician/{clinician.pk}/change/")
    assert page.status_code == 200
    assert old not in page.content.decode()
    listing = client.get("/office/admin/practice/clinician/").content.decode()
    assert "replace_calendar_feed" not in listing
    client.post(
        "/office/admin/practice/clinician/",
        {"action": "replace_calendar_feed", "_selected_action": [str(clinician.pk)]},
    )
    clinician.refresh_from_db()
    assert clinician.calendar_token == old


def test_cancelling_in_the_admin_is_the_offices_cancel(office: Client, owner: User) -> None:
    from django_tasks_db.models import DBTaskResult

    from confide.audit.models import AuditEvent
    from confide.office.tests.factories import book, client_of
    from confide.practice.models import Clinician

    clinician = Clinician.objects.get()
    clinician.notify_email = "hannah@example.org"
    clinician.save()
    client = client_of(clinician)
    appointment = book(client, timezone.now() + dt.timedelta(days=3))

    office.post(
        "/office/admin/scheduling/appointment/",
        {"action": "cancel_appointments", "_selected_action": [str(appointment.pk)]},
    )

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    # Recorded on the client's record, by whoever cancelled.
    assert AuditEvent.objects.filter(
        client_uid=client.uid, actor=owner, summary="appointment cancelled"
    ).exists()
    # The owner is not the clinician, so the clinician hears of it.
    told = DBTaskResult.objects.filter(args_kwargs__args=[appointment.pk, "cancelled", "clinician"])
    assert told.count() == 1
