"""The public booking journey through Django's test client: every step and every bad input."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confide.clients.models import ConsultationRequest
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import available_slots, bookable_window

pytestmark = pytest.mark.django_db

SLOTS = "/book/hannah-brenner/consultation/"
DETAILS = SLOTS + "details/"
CONFIRM = SLOTS + "confirm/"


def _open_slots(kind: AppointmentType) -> list[dt.datetime]:
    first, last = bookable_window(appointment_type=kind, now=timezone.now())
    return available_slots(
        appointment_type=kind, now=timezone.now(), first_day=first, last_day=last
    )


def _iso(start: dt.datetime) -> str:
    return start.isoformat().replace("+00:00", "Z")


def _details_url(start: dt.datetime, fmt: str = "video", tz: str = "America/New_York") -> str:
    return DETAILS + "?" + urlencode({"start": _iso(start), "format": fmt, "tz": tz})


GOOD = {"name": "Sam", "email": "sam@example.org", "may_email": "on", "for_couple": "0"}


def _payload(html: str) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _book(
    client: Client, start: dt.datetime, data: dict[str, str] | None = None
) -> tuple[str, object]:
    page = client.post(_details_url(start), data or GOOD)
    assert page.status_code == 200, page.content.decode()[:2000]
    payload = _payload(page.content.decode())
    return payload, client.post(CONFIRM + "?tz=America/New_York", {"payload": payload})


def test_the_door_offers_phone_or_video_and_a_way_to_ask(
    client: Client, consultation: AppointmentType
) -> None:
    html = client.get("/book/").content.decode()
    assert f'action="{SLOTS}"' in html
    assert 'value="phone"' in html
    assert 'value="video"' in html
    assert 'href="/book/ask/"' in html


def test_every_call_to_action_leads_to_booking(client: Client, demo: None) -> None:
    for url in ("/", "/about/", "/articles/what-shame-is/"):
        assert 'href="/book/"' in client.get(url).content.decode()


def test_slots_page_states_the_zone_and_links_each_time(
    client: Client, consultation: AppointmentType
) -> None:
    html = client.get(SLOTS + "?format=video").content.decode()
    assert "Times are shown in <strong>Eastern Time (New York)</strong>" in html
    first = _open_slots(consultation)[0]
    assert _details_url(first, "video").replace("&", "&amp;") in html


def test_slots_page_shows_times_in_the_visitors_zone(
    client: Client, consultation: AppointmentType
) -> None:
    first = _open_slots(consultation)[0]
    html = client.get(SLOTS + "?format=video&tz=America/Los_Angeles").content.decode()
    la = first.astimezone(ZoneInfo("America/Los_Angeles"))
    assert la.strftime("%-I:%M %p") in html
    assert "Pacific Time (Los Angeles)" in html


def test_an_unknown_zone_falls_back_to_the_practice_zone(
    client: Client, consultation: AppointmentType
) -> None:
    html = client.get(SLOTS + "?format=video&tz=Mars/Base").content.decode()
    assert "Eastern Time (New York)" in html


@pytest.mark.parametrize("weeks", [0, 1, 3])
def test_slots_page_costs_three_queries_whatever_the_week(
    client: Client, consultation: AppointmentType, weeks: int
) -> None:
    url = SLOTS + f"?format=video&week={weeks}"
    # Another address first, so the kept pages' stamps exist (written once per database).
    client.get(SLOTS + f"?format=video&week={weeks}&tz=America/Chicago")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = [q["sql"][:80] for q in queries if "confide_cache" not in q["sql"]]
    assert len(page) <= 3, page
    assert len(queries) == len(page) + 1  # and the stamps, read in one query

    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
    assert again.content == response.content
    assert len(kept) == 1  # a kept page reads the stamps alone


def test_the_whole_journey_books_a_discreet_confirmed_consultation(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    form = client.get(_details_url(start))
    assert form.status_code == 200
    html = form.content.decode()
    assert (
        "You don&#x27;t need to explain anything now." in html
        or "You don't need to explain anything now." in html
    )
    _, response = _book(client, start)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"].startswith("/booked/")  # type: ignore[index]
    appointment = Appointment.objects.get()
    assert appointment.start == start
    assert appointment.status == Appointment.Status.CONFIRMED
    assert ConsultationRequest.objects.get().email == "sam@example.org"
    page = client.get(response["Location"]).content.decode()  # type: ignore[index]
    assert "You&#x27;re booked" in page or "You're booked" in page
    assert "What happens next" in page
    assert "If you need help now" in page
    assert 'href="/appointment/' in page


def test_nothing_but_a_name_and_one_way_to_reach_is_required(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    _, response = _book(client, start, {"name": "J", "phone": "212 555 0199", "for_couple": "0"})
    assert response.status_code == 302  # type: ignore[attr-defined]
    request = ConsultationRequest.objects.get()
    assert (request.phone, request.email, request.may_call) == ("212 555 0199", "", True)


def test_the_confirm_step_repeats_every_wish_about_contact(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    data = {"name": "J", "phone": "212 555 0199", "may_call": "on", "safe_times": "after 6 pm"}

    page = client.post(_details_url(start), data | {"for_couple": "0"})

    html = page.content.decode().replace("&#x27;", "'")
    assert page.status_code == 200
    for wish in [
        "Contact by call",
        "no voicemail",
        "don't name the practice",
        "safe times: after 6 pm",
    ]:
        assert f"<li>{wish}" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@example.org"}, "Give a name to call you by; any name is fine."),
        ({"name": "S"}, "Give an email address or a phone number"),
        ({"name": "S", "email": "not-an-email"}, "Enter an email address like name@example.org."),
        ({"name": "S", "phone": "call me"}, "Enter a phone number using digits"),
        (
            {"name": "S", "email": "a@example.org", "may_text": "on"},
            "Give a phone number, or untick calls and texts.",
        ),
        (
            {"name": "S", "phone": "2125550100", "may_email": "on"},
            "Give an email address, or untick email.",
        ),
        ({"name": "S" * 81, "email": "a@example.org"}, "at most 80 characters"),
        ({"name": "S", "email": "a@example.org", "note": "x" * 1001}, "at most 1000 characters"),
        ({"name": "S", "email": "a@example.org", "for_couple": "maybe"}, "Select a valid choice."),
    ],
)
def test_bad_details_get_a_message_next_to_the_field(
    client: Client, consultation: AppointmentType, data: dict[str, str], message: str
) -> None:
    start = _open_slots(consultation)[0]
    response = client.post(_details_url(start), {"for_couple": "0"} | data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'class="error-summary"' in html
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("start", "status", "message"),
    [
        ("not-a-time", 400, "doesn"),
        ("2027-03-15T14:00:00", 400, "doesn"),  # no zone: refused, not guessed
        ("2020-01-06T15:00:00Z", 400, "already passed"),
        ("", 400, "doesn"),
        ("2' OR 1=1 --", 400, "doesn"),
    ],
)
def test_a_tampered_or_stale_time_is_refused_clearly(
    client: Client, consultation: AppointmentType, start: str, status: int, message: str
) -> None:
    response = client.get(DETAILS + "?" + urlencode({"start": start, "format": "phone"}))
    assert response.status_code == status
    assert message in response.content.decode().replace("&#x27;", "'")


def test_a_time_outside_hours_is_refused_with_nearby_times(
    client: Client, consultation: AppointmentType
) -> None:
    # A day far enough ahead that its small hours are past the minimum notice at any time of
    # day the test runs (the first open slot's would be inside it for part of each day).
    later = timezone.now() + dt.timedelta(days=3)
    start = next(slot for slot in _open_slots(consultation) if slot > later)
    three_am = start.replace(hour=8, minute=0)  # 3 or 4 am in New York
    response = client.get(_details_url(three_am))
    assert response.status_code == 400
    html = response.content.decode()
    assert "isn&#x27;t open for booking" in html or "isn't open for booking" in html
    assert "The nearest open times" in html


def test_a_format_the_type_does_not_offer_is_refused(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    assert client.get(_details_url(start, fmt="in_person")).status_code == 400


def test_an_office_only_type_cannot_be_booked_publicly(
    client: Client, consultation: AppointmentType
) -> None:
    assert client.get("/book/hannah-brenner/individual/").status_code == 404
    assert client.get("/book/hannah-brenner/no-such/").status_code == 404


def test_a_time_taken_meanwhile_gets_409_and_the_nearest_free_times(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    _book(client, start)
    page = client.post(_details_url(start), GOOD)
    assert page.status_code == 409
    assert "That time was just taken" in page.content.decode()
    assert "The nearest open times" in page.content.decode()
    assert Appointment.objects.count() == 1


def test_a_time_taken_between_details_and_confirm_gets_409(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    one = client.post(_details_url(start), GOOD)
    two = client.post(_details_url(start), GOOD | {"name": "Other"})
    first = client.post(CONFIRM, {"payload": _payload(one.content.decode())})
    second = client.post(CONFIRM, {"payload": _payload(two.content.decode())})
    assert first.status_code == 302
    assert second.status_code == 409
    html = second.content.decode()
    assert "That time was just taken" in html
    assert "Nothing was booked for you" in html
    assert Appointment.objects.count() == 1
    assert ConsultationRequest.objects.count() == 1


def test_sending_the_same_confirmation_twice_books_once(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    payload, first = _book(client, start)
    again = client.post(CONFIRM, {"payload": payload})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]  # type: ignore[index]
    assert Appointment.objects.count() == 1


def test_a_tampered_confirmation_books_nothing(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    page = client.post(_details_url(start), GOOD)
    payload = _payload(page.content.decode())
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = client.post(CONFIRM, {"payload": forged})
    assert response.status_code == 400
    assert "couldn" in response.content.decode()
    assert client.post(CONFIRM, {}).status_code == 400
    assert not Appointment.objects.exists()


def test_an_expired_confirmation_books_nothing(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    page = client.post(_details_url(start), GOOD)
    payload = _payload(page.content.decode())
    later = timezone.now().timestamp() + 46 * 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(CONFIRM, {"payload": payload})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_payload_for_another_type_is_refused(
    client: Client, first_session: AppointmentType
) -> None:
    forged = signing.dumps(
        {"type": first_session.pk}, salt="confide.scheduling.booking", compress=True
    )
    assert client.post(CONFIRM, {"payload": forged}).status_code == 404


def test_changing_details_from_the_confirm_page_keeps_what_was_typed(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    page = client.post(_details_url(start), GOOD | {"safe_times": "after 6"})
    html = page.content.decode()
    assert 'name="edit"' in html
    back = client.post(_details_url(start), GOOD | {"safe_times": "after 6", "edit": "1"})
    assert back.status_code == 200
    assert 'value="after 6"' in back.content.decode()
    assert 'name="payload"' not in back.content.decode()


def test_booking_forms_are_rate_limited_per_address(
    client: Client, consultation: AppointmentType, settings: object
) -> None:
    settings.BOOKING_RATE_LIMIT = 3  # type: ignore[attr-defined]
    start = _open_slots(consultation)[0]
    codes = [
        client.post(_details_url(start), {"name": ""}, REMOTE_ADDR="198.51.100.7").status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    assert (
        client.post(_details_url(start), {"name": ""}, REMOTE_ADDR="198.51.100.8").status_code
        == 400
    )
    from confide.accounts.models import RateLimitCounter

    assert not RateLimitCounter.objects.filter(key__contains="198.51").exists()


def test_approval_types_send_a_request_the_clinician_answers(
    client: Client, first_session: AppointmentType
) -> None:
    start = _open_slots(first_session)[0]
    url = "/book/hannah-brenner/first-session/details/?" + urlencode(
        {"start": _iso(start), "format": "video"}
    )
    page = client.post(url, GOOD)
    assert "Send the request" in page.content.decode()
    response = client.post(
        "/book/hannah-brenner/first-session/confirm/", {"payload": _payload(page.content.decode())}
    )
    assert response.status_code == 302
    assert Appointment.objects.get().status == Appointment.Status.REQUESTED
    assert "Your request is sent" in client.get(response["Location"]).content.decode()


def test_asking_for_a_consultation_with_preferred_times(
    client: Client, consultation: AppointmentType
) -> None:
    bad = client.post("/book/ask/", {"name": "Kim", "for_couple": "0"})
    assert bad.status_code == 400
    assert not ConsultationRequest.objects.exists()
    good = client.post(
        "/book/ask/",
        {
            "name": "Kim",
            "phone": "(212) 555-0142",
            "may_text": "on",
            "preferred_times": "evenings",
            "for_couple": "1",
            "partner_name": "Lee",
        },
    )
    assert good.status_code == 302
    request = ConsultationRequest.objects.get()
    assert (request.preferred_times, request.for_couple, request.partner_name) == (
        "evenings",
        True,
        "Lee",
    )
    assert "hear back within one business day" in client.get(good["Location"]).content.decode()


def _later_slots(kind: AppointmentType) -> list[dt.datetime]:
    """Open times beyond the 24-hour cancellation window."""
    limit = timezone.now() + dt.timedelta(hours=48)
    return [s for s in _open_slots(kind) if s > limit]


def _manage_url(client: Client, consultation: AppointmentType) -> tuple[str, Appointment]:
    start = _later_slots(consultation)[0]
    _, response = _book(client, start)
    token = response["Location"].split("/")[2]  # type: ignore[index]
    return f"/appointment/{token}/", Appointment.objects.get(start=start)


def test_the_manage_link_cancels_once_and_then_shows_the_state(
    client: Client, consultation: AppointmentType
) -> None:
    url, appointment = _manage_url(client, consultation)
    assert "Move to another time" in client.get(url).content.decode()
    response = client.post(url + "cancel/")
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    html = client.get(url).content.decode()
    assert "Cancelled" in html
    assert "Move to another time" not in html
    assert client.post(url + "cancel/").status_code == 409
    assert (
        client.post(url + "move/", {"start": _iso(_later_slots(consultation)[3])}).status_code
        == 409
    )


def test_the_manage_link_moves_once_and_the_old_link_shows_where_it_went(
    client: Client, consultation: AppointmentType
) -> None:
    url, appointment = _manage_url(client, consultation)
    page = client.get(url + "move/")
    assert page.status_code == 200
    first, last = bookable_window(appointment_type=consultation, now=timezone.now())
    choices = available_slots(
        appointment_type=consultation,
        now=timezone.now(),
        first_day=first,
        last_day=last,
        moving=appointment.pk,
    )
    new_start = [s for s in choices if s > appointment.start][5]
    assert new_start.isoformat() in page.content.decode()
    # Choosing a time asks first; the confirm step moves it.
    asked = client.post(url + "move/", {"start": new_start.isoformat()})
    assert asked.status_code == 200
    assert Appointment.objects.active().get().pk == appointment.pk
    response = client.post(url + "move/", {"start": new_start.isoformat(), "confirm": "1"})
    assert response.status_code == 302
    new = Appointment.objects.get(start=new_start)
    assert response["Location"].startswith(f"/appointment/{new.manage_token()}/")
    old_page = client.get(url).content.decode()
    assert "This appointment was moved to" in old_page
    assert (
        client.post(url + "move/", {"start": _iso(_later_slots(consultation)[8])}).status_code
        == 409
    )
    assert Appointment.objects.active().count() == 1


def test_inside_the_window_the_manage_page_shows_the_policy_and_phone(
    client: Client, consultation: AppointmentType
) -> None:
    from confide.practice.models import Practice

    Practice.objects.update(cancellation_window_hours=24 * 60)
    url, _ = _manage_url(client, consultation)
    html = client.get(url).content.decode()
    assert "too close to change online" in html
    assert 'href="tel:+12125550147"' in html
    assert client.post(url + "cancel/").status_code == 409


@pytest.mark.parametrize("token", ["nonsense", "a" * 43 + ".bad", ""])
def test_a_wrong_manage_token_is_not_found(
    client: Client, consultation: AppointmentType, token: str
) -> None:
    assert client.get(f"/appointment/{token}/").status_code == 404


def test_manage_and_booking_pages_are_not_cached(
    client: Client, consultation: AppointmentType
) -> None:
    url, _ = _manage_url(client, consultation)
    assert (
        "no-store" in client.get(url)["Cache-Control"]
        or "max-age=0" in client.get(url)["Cache-Control"]
    )


def test_the_zone_times_were_shown_in_is_kept_with_the_booking(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    page = client.post(_details_url(start, tz="America/Denver"), GOOD)
    client.post(CONFIRM + "?tz=America/Denver", {"payload": _payload(page.content.decode())})
    assert ConsultationRequest.objects.get().time_zone == "America/Denver"
