"""The rough edges of the public booking side, each as the behaviour a person should meet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.utils import timezone

from confide.clients.models import ConsultationRequest
from confide.scheduling.booking import appointment_book
from confide.scheduling.errors import ContactMissing
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.requests import ContactDetails
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


def _later(kind: AppointmentType) -> list[dt.datetime]:
    """Open times beyond the cancellation window, which can still be changed online."""
    limit = timezone.now() + dt.timedelta(hours=48)
    return [s for s in _open_slots(kind) if s > limit]


def _details_url(start: dt.datetime, fmt: str) -> str:
    iso = start.isoformat().replace("+00:00", "Z")
    return DETAILS + "?" + urlencode({"start": iso, "format": fmt, "tz": "America/New_York"})


def _text(response: HttpResponseBase) -> str:
    return str(response.content.decode()).replace("&#x27;", "'")  # type: ignore[attr-defined]


def _book(client: Client, start: dt.datetime, fmt: str, data: dict[str, Any]) -> str:
    """Book through the pages; return the address of the page shown after booking."""
    page = client.post(_details_url(start, fmt), {"for_couple": "0"} | data)
    assert page.status_code == 200, _text(page)[:2000]
    payload = re.search(r'name="payload" value="([^"]+)"', page.content.decode())
    assert payload
    done = client.post(CONFIRM + "?tz=America/New_York", {"payload": payload.group(1)})
    assert done.status_code == 302
    return str(done["Location"])


# 1. A phone consultation needs a number to call.


def test_a_phone_consultation_without_a_phone_number_is_refused_next_to_the_field(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    response = client.post(
        _details_url(start, "phone"),
        {"name": "Sam", "email": "sam@example.org", "may_email": "on", "for_couple": "0"},
    )
    assert response.status_code == 400
    html = _text(response)
    error = re.search(r'<p class="field__error" id="id_phone_error">([^<]+)</p>', html)
    assert error, html
    assert "number to call" in error.group(1)
    assert 'name="payload"' not in html


def test_the_phone_field_says_a_phone_consultation_needs_it(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    phone = _text(client.get(_details_url(start, "phone")))
    video = _text(client.get(_details_url(start, "video")))
    hint = "a number to call you at the time"
    assert re.search(r'<p class="field__hint" id="id_phone_helptext">[^<]*' + hint, phone)
    assert 'aria-describedby="id_phone_helptext"' in phone
    assert hint not in video


def test_a_video_consultation_still_needs_only_one_way_to_reach(
    client: Client, consultation: AppointmentType
) -> None:
    start = _open_slots(consultation)[0]
    _book(client, start, "video", {"name": "Sam", "email": "sam@example.org"})
    assert Appointment.objects.get().format == "video"


def test_the_booking_service_refuses_a_phone_appointment_without_a_number(
    consultation: AppointmentType,
) -> None:
    with pytest.raises(ContactMissing, match="phone number"):
        appointment_book(
            appointment_type=consultation,
            start=_open_slots(consultation)[0],
            format="phone",
            contact=ContactDetails(name="Sam", email="sam@example.org", may_email=True),
            now=timezone.now(),
            booking_key="k",
        )
    assert not Appointment.objects.exists()


def test_the_confirmation_never_promises_a_call_to_a_number_nobody_gave(
    client: Client, consultation: AppointmentType
) -> None:
    start = _later(consultation)[0]
    location = _book(client, start, "video", {"name": "Sam", "email": "sam@example.org"})
    # A phone booking made before numbers were required.
    Appointment.objects.update(format="phone")
    html = _text(client.get(location))
    assert "the number you gave" not in html
    assert "don't have a number" in html
    ConsultationRequest.objects.update(phone="212 555 0101")
    assert "called at the number you gave" in _text(client.get(location))


# 4. Moving an appointment through its link asks before it moves anything.


def _manage_url(client: Client, consultation: AppointmentType) -> tuple[str, Appointment]:
    start = _later(consultation)[0]
    location = _book(client, start, "video", {"name": "Sam", "email": "sam@example.org"})
    token = location.split("/")[2]
    return f"/appointment/{token}/", Appointment.objects.get(start=start)


def _new_time(consultation: AppointmentType, appointment: Appointment) -> dt.datetime:
    """Return a time the appointment can move to (open once its own time is free)."""
    first, last = bookable_window(appointment_type=consultation, now=timezone.now())
    choices = available_slots(
        appointment_type=consultation,
        now=timezone.now(),
        first_day=first,
        last_day=last,
        moving=appointment.pk,
    )
    return [s for s in choices if s > appointment.start][3]


def test_choosing_a_new_time_asks_to_confirm_and_moves_nothing_yet(
    client: Client, consultation: AppointmentType
) -> None:
    url, appointment = _manage_url(client, consultation)
    new_start = _new_time(consultation, appointment)

    page = client.post(url + "move/", {"start": new_start.isoformat(), "tz": "America/New_York"})

    assert page.status_code == 200
    html = _text(page)
    local = new_start.astimezone(consultation.clinician.tz())
    assert re.search(r"<h1>Move to [^<]*" + local.strftime("%B %-d"), html), html
    assert local.strftime("%-I:%M %p") in html
    assert re.search(r'<button class="button" type="submit" name="confirm"[^>]*>Confirm', html)
    assert f'href="{url}move/?tz=America/New_York"' in html.replace("%2F", "/")
    assert Appointment.objects.get().start == appointment.start
    assert Appointment.objects.active().get().pk == appointment.pk


def test_confirming_the_new_time_moves_the_appointment(
    client: Client, consultation: AppointmentType
) -> None:
    url, appointment = _manage_url(client, consultation)
    new_start = _new_time(consultation, appointment)

    response = client.post(url + "move/", {"start": new_start.isoformat(), "confirm": "1"})

    assert response.status_code == 302
    assert Appointment.objects.active().get().start == new_start


def test_the_confirm_step_refuses_a_time_that_is_not_open(
    client: Client, consultation: AppointmentType
) -> None:
    url, appointment = _manage_url(client, consultation)
    three_am = appointment.start.replace(hour=8, minute=0)

    page = client.post(url + "move/", {"start": three_am.isoformat()})

    assert page.status_code == 409
    assert "Move to" not in _text(page)
    assert Appointment.objects.active().get().start == appointment.start


# 5. After cancelling, a way to book again.


def test_the_cancelled_page_offers_to_book_again_and_promises_no_link(
    client: Client, consultation: AppointmentType
) -> None:
    url, _ = _manage_url(client, consultation)
    assert client.post(url + "cancel/").status_code == 302

    html = _text(client.get(url + "?done=cancelled"))

    assert "Your appointment is cancelled" in html
    assert "link comes" not in html
    assert re.search(r'<a class="button" href="/book/[^"]*">Book a new time</a>', html), html


def test_the_cancellation_emails_page_below_offers_to_book_again(
    client: Client, consultation: AppointmentType
) -> None:
    from confide.notifications.emails import appointment_email
    from confide.notifications.events import Audience, Event

    url, appointment = _manage_url(client, consultation)
    client.post(url + "cancel/")
    appointment.refresh_from_db()
    message = appointment_email(appointment, event=Event.CANCELLED, audience=Audience.PERSON)
    assert message is not None
    body = str(message.body)
    assert "see the page below" in body
    link = re.search(r"https?://[^\s]+", body.split("see the page below", 1)[1])
    assert link, body
    path = "/" + link.group(0).split("/", 3)[3]

    html = _text(client.get(path))

    assert re.search(r'<a class="button" href="/book/[^"]*">Book a new time</a>', html), html


# 3. When contact is safe: days and hours to pick, the free text kept as a note.


def test_safe_days_and_hours_are_asked_as_choices_and_kept_with_the_note(
    client: Client, consultation: AppointmentType
) -> None:
    start = _later(consultation)[0]
    form = _text(client.get(_details_url(start, "video")))
    assert "When is it safe to contact you? (optional)" in form
    assert 'name="safe_days" value="5"' in form
    assert 'name="safe_from"' in form
    data = {
        "name": "Sam",
        "email": "sam@example.org",
        "safe_days": ["0", "1", "2", "3", "4"],
        "safe_from": "09:00",
        "safe_times": "not when my partner is home",
    }
    page = client.post(_details_url(start, "video"), {"for_couple": "0"} | data)
    assert "<li>safe days: Mon, Tue, Wed, Thu, Fri</li>" in _text(page)
    assert "<li>safe hours: from 9:00 AM</li>" in _text(page)
    _book(client, start, "video", data)
    request = ConsultationRequest.objects.get()
    assert (request.safe_days, request.safe_from, request.safe_until) == ("01234", dt.time(9), None)
    assert request.safe_times == "not when my partner is home"


def test_a_latest_time_before_the_earliest_is_refused_next_to_the_field(
    client: Client, consultation: AppointmentType
) -> None:
    start = _later(consultation)[0]
    data = {"name": "Sam", "email": "sam@example.org", "safe_from": "18:00", "safe_until": "09:00"}
    response = client.post(_details_url(start, "video"), {"for_couple": "0"} | data)
    assert response.status_code == 400
    assert re.search(r'id="id_safe_until_error">Choose a time later', _text(response))
