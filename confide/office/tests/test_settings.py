"""The practice's settings in the office: each page for each role, good and bad input, time off."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from PIL import Image

from confide.audit.models import AuditEvent
from confide.office.settings_views import page_link
from confide.office.tests.factories import book, client_of, clinician_of, demo_clinician, utc
from confide.practice.models import Clinician, Modality, Practice
from confide.practice.page_cache import current_stamps
from confide.scheduling.models import AppointmentType, AvailabilityRule
from confide.scheduling.open_times import OPEN_TIMES_STAMP_KEY
from confide.scheduling.selectors import (
    Day,
    days_time_off_add,
    sessions_during_time_off,
    time_off_between,
    time_off_spans,
)

pytestmark = pytest.mark.django_db

SignIn = Callable[..., HttpClient]


@pytest.fixture
def as_owner(demo: None, owner: User, signed_in: SignIn) -> HttpClient:
    return signed_in(owner)


@pytest.fixture
def as_manager(demo: None, practice_manager: User, signed_in: SignIn) -> HttpClient:
    return signed_in(practice_manager)


@pytest.fixture
def as_colleague(demo: None, colleague: User, signed_in: SignIn) -> HttpClient:
    return signed_in(colleague)


def _text(response: Any) -> str:
    return str(response.content.decode())


def _practice_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Brenner Psychotherapy",
        "tagline": "",
        "phone": "(212) 555-0147",
        "email": "office@example.org",
        "address": "88 Larkin Place\nNew York, NY",
        "telehealth": "on",
        "telehealth_note": "",
        "time_zone": "America/New_York",
        "crisis_number": "988",
        "crisis_line_name": "the 988 Suicide & Crisis Lifeline",
        "crisis_chat_url": "https://988lifeline.org/",
        "emergency_number": "911",
        "response_note": "Messages are not read around the clock.",
        "leave_url": "https://www.weather.gov/",
        "retention_years": "7",
        "draft_limit_hours": "72",
        "sign_within_days": "",
    }
    data.update(changes)
    return data


def _clinician_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Alex Moreno",
        "pronouns": "they/them",
        "credentials": "LMFT",
        "license_number": "LMFT-555-0123",
        "license_state": "NY",
        "license_verify_url": "https://eservices.nysed.gov/professions/verification-search",
        "photo_description": "",
        "bio": "Alex works with couples.",
        "sees_couples": "on",
        "accepting_new_clients": "on",
        "listed": "on",
        "order": "2",
        "time_zone": "America/New_York",
        "notify_email": "",
        "video_room_url": "",
    }
    data.update(changes)
    return data


def _type_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Longer session",
        "kind": "individual",
        "duration_minutes": "75",
        "fee": "220",
        "video": "on",
        "booking": "office",
        "min_notice_minutes": "720",
        "horizon_days": "28",
        "slot_step_minutes": "15",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "10",
        "order": "5",
    }
    data.update(changes)
    return data


def _audited(summary_part: str) -> bool:
    return AuditEvent.objects.filter(summary__contains=summary_part).exists()


# -- The index -----------------------------------------------------------------------------------


def test_the_office_nav_leads_to_settings_not_the_admin(as_owner: HttpClient) -> None:
    html = _text(as_owner.get("/office/"))
    assert 'href="/office/settings/"' in html
    assert "Settings and website" not in html


def test_the_owner_sees_every_settings_page_and_the_admin_link(as_owner: HttpClient) -> None:
    response = as_owner.get("/office/settings/")
    html = _text(response)
    assert response.status_code == 200
    for url in ["/office/settings/practice/", "/office/settings/booking-rules/",
                "/office/settings/clinicians/"]:  # fmt: skip
        assert f'href="{url}"' in html
    hannah = demo_clinician()
    assert reverse("office:settings_hours", args=[hannah.pk]) in html
    assert "Advanced (admin)" in html


def test_a_manager_sees_the_schedule_settings_but_not_the_owners(as_manager: HttpClient) -> None:
    html = _text(as_manager.get("/office/settings/"))
    assert "/office/settings/booking-rules/" in html
    assert "/office/settings/practice/" not in html
    assert '/office/settings/clinicians/"' not in html
    assert reverse("office:settings_types", args=[demo_clinician().pk]) in html
    assert "Advanced (admin)" not in html


def test_a_clinician_sees_only_their_own_schedule_and_profile(
    as_colleague: HttpClient, colleague: User
) -> None:
    html = _text(as_colleague.get("/office/settings/"))
    own = clinician_of(colleague)
    assert reverse("office:settings_clinician", args=[own.pk]) in html
    assert reverse("office:settings_hours", args=[demo_clinician().pk]) not in html
    assert "/office/settings/booking-rules/" not in html


def test_a_settings_page_that_does_not_exist_yet_is_left_out(rf: Any, owner: User) -> None:
    request = rf.get("/office/settings/")
    request.staff_role = "owner"
    assert page_link(request, "office:no_such_settings_page") is None
    assert page_link(request, "office:settings_practice") == "/office/settings/practice/"
    request.staff_role = "clinician"
    assert page_link(request, "office:settings_practice") is None


# -- The practice profile ------------------------------------------------------------------------


def test_the_practice_profile_is_the_owners(
    as_manager: HttpClient, as_colleague: HttpClient
) -> None:
    assert as_manager.get("/office/settings/practice/").status_code == 403
    assert as_colleague.post("/office/settings/practice/", _practice_data()).status_code == 403


def test_the_practice_profile_saves_audits_and_renews_the_public_pages(
    as_owner: HttpClient,
) -> None:
    assert as_owner.get("/office/settings/practice/").status_code == 200
    before = current_stamps()

    response = as_owner.post("/office/settings/practice/", _practice_data(phone="(212) 555-0188"))

    assert response.status_code == 302
    assert Practice.objects.get().phone == "(212) 555-0188"
    assert current_stamps() != before
    assert _audited("changed the practice profile")
    assert "(212) 555-0188" in _text(HttpClient().get("/contact/"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "call me"}, "Enter a phone number using digits"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Enter a time zone name such as America/New_York."),
        ({"address": ""}, "Enter the office address, or tick"),
        ({"leave_url": "http://www.weather.gov/"}, "Use an address that starts with https://."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_the_practice_profile_answers_bad_input_next_to_the_field(
    as_owner: HttpClient, changes: dict[str, str], message: str
) -> None:
    before = Practice.objects.get().phone

    response = as_owner.post("/office/settings/practice/", _practice_data(**changes))

    assert response.status_code == 400
    assert message in _text(response)
    assert 'class="error-summary"' in _text(response)
    assert Practice.objects.get().phone == before


# -- Booking rules -------------------------------------------------------------------------------


def test_a_manager_changes_the_cancellation_window(as_manager: HttpClient) -> None:
    assert as_manager.get("/office/settings/booking-rules/").status_code == 200

    response = as_manager.post(
        "/office/settings/booking-rules/",
        {"cancellation_window_hours": "48", "cancellation_policy": "Please give **two days**."},
    )

    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.cancellation_window_hours == 48
    assert "<strong>two days</strong>" in practice.cancellation_policy_html
    assert _audited("changed the booking rules")


def test_booking_rules_refuse_a_window_that_is_a_typo(as_owner: HttpClient) -> None:
    response = as_owner.post(
        "/office/settings/booking-rules/",
        {"cancellation_window_hours": "2400", "cancellation_policy": ""},
    )
    assert response.status_code == 400
    assert "Use at most 336 hours" in _text(response)
    assert Practice.objects.get().cancellation_window_hours == 24


def test_a_clinician_cannot_change_booking_rules(as_colleague: HttpClient) -> None:
    response = as_colleague.post(
        "/office/settings/booking-rules/", {"cancellation_window_hours": "1"}
    )
    assert response.status_code == 403


# -- Clinicians ----------------------------------------------------------------------------------


def test_only_the_owner_lists_and_adds_clinicians(
    as_owner: HttpClient, as_manager: HttpClient, as_colleague: HttpClient
) -> None:
    assert as_owner.get("/office/settings/clinicians/").status_code == 200
    assert as_owner.get("/office/settings/clinicians/new/").status_code == 200
    for other in (as_manager, as_colleague):
        assert other.get("/office/settings/clinicians/").status_code == 403
        assert other.post("/office/settings/clinicians/new/", _clinician_data()).status_code == 403


def test_the_owner_adds_a_clinician_with_approaches(as_owner: HttpClient) -> None:
    approach = Modality.objects.order_by("pk")[0]
    before = current_stamps()

    response = as_owner.post(
        "/office/settings/clinicians/new/", _clinician_data(modalities=[approach.pk])
    )

    assert response.status_code == 302
    alex = Clinician.objects.get(name="Alex Moreno")
    assert alex.slug == "alex-moreno"
    assert list(alex.modalities.all()) == [approach]
    assert "Alex works with couples." in alex.bio_html
    assert current_stamps() != before
    assert _audited("added the clinician Alex Moreno")
    assert "Alex Moreno" in _text(HttpClient().get("/about/"))


def test_a_clinician_who_sees_nobody_is_refused(as_owner: HttpClient) -> None:
    data = _clinician_data()
    del data["sees_couples"]

    response = as_owner.post("/office/settings/clinicians/new/", data)

    assert response.status_code == 400
    assert "Choose whether this clinician sees individuals, couples or both." in _text(response)
    assert not Clinician.objects.filter(name="Alex Moreno").exists()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("alex.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_needs_a_description(as_owner: HttpClient, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = "/office/settings/clinicians/new/"

    refused = as_owner.post(url, {**_clinician_data(), "photo": _png()})
    assert refused.status_code == 400
    assert "Describe the photo in a few words." in _text(refused)

    saved = as_owner.post(
        url, {**_clinician_data(photo_description="Alex smiling by a window"), "photo": _png()}
    )
    assert saved.status_code == 302
    assert str(Clinician.objects.get(name="Alex Moreno").photo.name).startswith("clinicians/")


def test_a_clinician_edits_their_own_profile_and_no_one_elses(
    as_colleague: HttpClient, colleague: User
) -> None:
    own = clinician_of(colleague)
    url = reverse("office:settings_clinician", args=[own.pk])
    assert as_colleague.get(url).status_code == 200

    response = as_colleague.post(url, _clinician_data(name="Robin Ashdown", credentials="LCSW"))

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.credentials == "LCSW"
    assert own.slug == "robin-ashdown"
    other = reverse("office:settings_clinician", args=[demo_clinician().pk])
    assert as_colleague.get(other).status_code == 404
    assert as_colleague.post(other, _clinician_data()).status_code == 404


def test_a_manager_does_not_edit_clinician_profiles(as_manager: HttpClient) -> None:
    url = reverse("office:settings_clinician", args=[demo_clinician().pk])
    assert as_manager.get(url).status_code == 403


# -- Appointment types ---------------------------------------------------------------------------


def test_a_manager_adds_an_appointment_type_and_the_open_times_are_renewed(
    as_manager: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    hannah = demo_clinician()
    assert as_manager.get(reverse("office:settings_types", args=[hannah.pk])).status_code == 200
    before = current_stamps((OPEN_TIMES_STAMP_KEY,))

    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(
            reverse("office:settings_type_new", args=[hannah.pk]), _type_data(phone="on")
        )

    assert response.status_code == 302
    added = AppointmentType.objects.get(clinician=hannah, name="Longer session")
    assert (added.slug, added.duration_minutes, added.video, added.phone) == (
        "longer-session", 75, True, True,
    )  # fmt: skip
    assert current_stamps((OPEN_TIMES_STAMP_KEY,)) != before
    assert _audited("added the appointment type Longer session")


def test_an_appointment_type_needs_a_format(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    data = _type_data()
    del data["video"]

    response = as_owner.post(reverse("office:settings_type_new", args=[hannah.pk]), data)

    assert response.status_code == 400
    assert "Choose at least one format" in _text(response)
    assert not AppointmentType.objects.filter(name="Longer session").exists()


def test_an_appointment_type_is_edited_and_switched_off_and_on(as_owner: HttpClient) -> None:
    kind = AppointmentType.objects.filter(clinician=demo_clinician(), active=True)[0]
    url = reverse("office:settings_type", args=[kind.pk])
    assert as_owner.get(url).status_code == 200
    assert as_owner.post(url, _type_data(name="Renamed", fee="-5")).status_code == 400

    assert as_owner.post(url, _type_data(name="Renamed", horizon_days="60")).status_code == 302
    kind.refresh_from_db()
    assert (kind.name, kind.horizon_days) == ("Renamed", 60)

    off = reverse("office:settings_type_active", args=[kind.pk])
    assert as_owner.post(off, {"active": "0"}).status_code == 302
    kind.refresh_from_db()
    assert not kind.active
    assert _audited("switched off the appointment type Renamed")
    as_owner.post(off, {"active": "1"})
    kind.refresh_from_db()
    assert kind.active


def test_a_clinician_cannot_touch_another_clinicians_types(as_colleague: HttpClient) -> None:
    hannah = demo_clinician()
    kind = AppointmentType.objects.filter(clinician=hannah)[0]
    assert as_colleague.get(reverse("office:settings_types", args=[hannah.pk])).status_code == 404
    assert as_colleague.get(reverse("office:settings_type", args=[kind.pk])).status_code == 404
    off = reverse("office:settings_type_active", args=[kind.pk])
    assert as_colleague.post(off, {"active": "0"}).status_code == 404
    kind.refresh_from_db()
    assert kind.active


# -- Weekly hours and extra hours ----------------------------------------------------------------


def test_weekly_hours_are_added_and_removed(as_manager: HttpClient) -> None:
    hannah = demo_clinician()
    url = reverse("office:settings_weekly_add", args=[hannah.pk])

    response = as_manager.post(
        url, {"weekly-weekday": "6", "weekly-start_time": "09:00", "weekly-end_time": "12:00"}
    )

    assert response.status_code == 302
    rule = AvailabilityRule.objects.get(clinician=hannah, weekday=6)
    assert rule.start_time == dt.time(9)
    page = _text(as_manager.get(reverse("office:settings_hours", args=[hannah.pk])))
    assert "9:00 AM\N{EN DASH}12:00 PM" in page
    assert _audited("added weekly hours for")

    assert (
        as_manager.post(reverse("office:settings_hours_remove", args=[rule.pk])).status_code == 302
    )
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert _audited("removed weekly hours for")


def test_weekly_hours_that_end_before_they_start_are_refused(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    response = as_owner.post(
        reverse("office:settings_weekly_add", args=[hannah.pk]),
        {"weekly-weekday": "6", "weekly-start_time": "12:00", "weekly-end_time": "09:00"},
    )
    assert response.status_code == 400
    assert "The end time must be after the start time." in _text(response)
    assert not AvailabilityRule.objects.filter(clinician=hannah, weekday=6).exists()


def test_extra_hours_need_a_date(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    url = reverse("office:settings_extra_add", args=[hannah.pk])
    refused = as_owner.post(url, {"extra-start_time": "09:00", "extra-end_time": "12:00"})
    assert refused.status_code == 400
    assert "This field is required." in _text(refused)

    added = as_owner.post(
        url,
        {"extra-first_day": "2031-01-11", "extra-start_time": "09:00", "extra-end_time": "12:00"},
    )
    assert added.status_code == 302
    assert AvailabilityRule.objects.filter(clinician=hannah, kind="extra").count() == 1


def test_a_clinician_cannot_change_another_clinicians_hours(as_colleague: HttpClient) -> None:
    hannah = demo_clinician()
    rule = AvailabilityRule.objects.filter(clinician=hannah)[0]
    assert as_colleague.get(reverse("office:settings_hours", args=[hannah.pk])).status_code == 404
    assert (
        as_colleague.post(reverse("office:settings_hours_remove", args=[rule.pk])).status_code
        == 404
    )
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()


# -- Time off ------------------------------------------------------------------------------------


def _time_off(**changes: str) -> dict[str, str]:
    data = {"first_day": "2030-07-01", "last_day": "2030-07-05", "start_time": "",
            "end_time": "", "note": "Family visit"}  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_time_off_over_no_sessions_is_saved_at_once(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    url = reverse("office:settings_time_off", args=[hannah.pk])
    assert as_owner.get(url).status_code == 200

    response = as_owner.post(url, _time_off())

    assert response.status_code == 302
    rule = AvailabilityRule.objects.get(clinician=hannah, kind="off")
    assert (rule.first_day, rule.last_day, rule.note) == (
        dt.date(2030, 7, 1), dt.date(2030, 7, 5), "Family visit",
    )  # fmt: skip
    event = AuditEvent.objects.filter(target_type="hours").latest("sequence")
    assert "Family visit" not in event.summary


def test_time_off_over_booked_sessions_lists_them_first_and_saves_only_when_confirmed(
    as_owner: HttpClient,
) -> None:
    hannah = demo_clinician()
    sam = client_of(hannah)
    inside = book(sam, utc("2030-07-02 14:00"))  # 10:00 in New York
    book(sam, utc("2030-07-09 14:00"))  # a week later, outside the time off
    url = reverse("office:settings_time_off", args=[hannah.pk])

    shown = as_owner.post(url, _time_off())

    html = _text(shown)
    assert shown.status_code == 200
    assert "This time off covers 1 booked session" in html
    assert "Tue, Jul 2, 10:00 AM" in html
    assert "Sam R." in html
    assert "Jul 9" not in html
    assert not AvailabilityRule.objects.filter(clinician=hannah, kind="off").exists()
    assert f'name="acknowledged" value="{inside.pk}"' in html

    confirmed = as_owner.post(url, _time_off(acknowledged=str(inside.pk)))

    assert confirmed.status_code == 302
    assert AvailabilityRule.objects.filter(clinician=hannah, kind="off").count() == 1
    inside.refresh_from_db()
    assert inside.is_active  # kept booked; moving it is a separate step


def test_a_session_booked_after_the_warning_is_shown_before_saving(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    sam = client_of(hannah)
    first = book(sam, utc("2030-07-02 14:00"))
    book(sam, utc("2030-07-03 14:00"))  # booked while the confirm page was open
    url = reverse("office:settings_time_off", args=[hannah.pk])

    response = as_owner.post(url, _time_off(acknowledged=str(first.pk)))

    assert response.status_code == 200
    assert "covers 2 booked sessions" in _text(response)
    assert "booked since you last looked" in _text(response)
    assert not AvailabilityRule.objects.filter(clinician=hannah, kind="off").exists()


def test_part_day_time_off_covers_only_its_hours(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    sam = client_of(hannah)
    book(sam, utc("2030-07-02 14:00"))  # 10:00-10:50 New York
    url = reverse("office:settings_time_off", args=[hannah.pk])

    response = as_owner.post(url, _time_off(start_time="13:00", end_time="17:00"))

    assert response.status_code == 302
    rule = AvailabilityRule.objects.get(clinician=hannah, kind="off")
    assert rule.start_time == dt.time(13)


def test_changing_the_dates_from_the_confirm_step_keeps_what_was_typed(
    as_owner: HttpClient,
) -> None:
    hannah = demo_clinician()
    book(client_of(hannah), utc("2030-07-02 14:00"))
    url = reverse("office:settings_time_off", args=[hannah.pk])

    response = as_owner.post(url, {**_time_off(), "edit": "1"})

    assert response.status_code == 200
    assert 'value="2030-07-05"' in _text(response)
    assert not AvailabilityRule.objects.filter(clinician=hannah, kind="off").exists()


def test_time_off_that_ends_before_it_starts_is_refused(as_owner: HttpClient) -> None:
    hannah = demo_clinician()
    response = as_owner.post(
        reverse("office:settings_time_off", args=[hannah.pk]),
        _time_off(first_day="2030-07-05", last_day="2030-07-01"),
    )
    assert response.status_code == 400
    assert "The last day cannot be before the first." in _text(response)


def test_a_days_list_carries_the_time_off_that_touches_it(demo: None, colleague: User) -> None:
    hannah = demo_clinician()
    AvailabilityRule.objects.create(
        clinician=hannah, kind="off", first_day=dt.date(2030, 7, 2), last_day=dt.date(2030, 7, 3)
    )
    AvailabilityRule.objects.create(
        clinician=clinician_of(colleague), kind="off", first_day=dt.date(2030, 7, 1)
    )
    days = [Day(date=dt.date(2030, 7, d), appointments=[]) for d in (1, 2, 3, 4)]

    days_time_off_add(days, hannah)

    assert [len(day.time_off) for day in days] == [0, 1, 1, 0]
    assert time_off_between(hannah, dt.date(2030, 7, 3), dt.date(2030, 7, 9)) == days[1].time_off
    everyone = [Day(date=dt.date(2030, 7, 1), appointments=[])]
    days_time_off_add(everyone, None)
    assert [r.clinician.name for r in everyone[0].time_off] == ["Robin Ashdown"]


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2027, 3, 13), 24),
        (dt.date(2027, 3, 14), 23),  # spring forward in New York
        (dt.date(2027, 11, 7), 25),  # fall back
    ],
)
def test_a_whole_day_off_runs_midnight_to_midnight_on_the_wall_clock(
    day: dt.date, hours: int
) -> None:
    from zoneinfo import ZoneInfo

    [span] = time_off_spans(
        first_day=day, last_day=day, start_time=None, end_time=None,
        tz=ZoneInfo("America/New_York"),
    )  # fmt: skip
    assert span.end - span.start == dt.timedelta(hours=hours)


def test_sessions_during_time_off_leaves_cancelled_ones_out(demo: None) -> None:
    hannah = demo_clinician()
    sam = client_of(hannah)
    kept = book(sam, utc("2030-07-02 14:00"))
    book(sam, utc("2030-07-03 14:00"), status="cancelled")
    found = sessions_during_time_off(
        clinician=hannah, first_day=dt.date(2030, 7, 1), last_day=dt.date(2030, 7, 5)
    )
    assert [a.pk for a in found] == [kept.pk]
