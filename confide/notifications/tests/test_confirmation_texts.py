"""Someone who gave only a phone number hears of their booking by text, or keeps the link."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.tasks import TaskContext
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.notifications.change_texts import send_change_text
from confide.notifications.models import OutboxMessage
from confide.notifications.tasks import send_appointment_message
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import available_slots, bookable_window

pytestmark = pytest.mark.django_db

SLOTS = "/book/hannah-brenner/consultation/"


@pytest.fixture
def consultation(demo: None) -> AppointmentType:
    return AppointmentType.objects.get(clinician__slug="hannah-brenner", slug="consultation")


def _later(kind: AppointmentType) -> list[dt.datetime]:
    first, last = bookable_window(appointment_type=kind, now=timezone.now())
    limit = timezone.now() + dt.timedelta(hours=48)
    slots = available_slots(
        appointment_type=kind, now=timezone.now(), first_day=first, last_day=last
    )
    return [s for s in slots if s > limit]


def _book(client: Client, kind: AppointmentType, data: dict[str, str], fmt: str = "phone") -> str:
    start = _later(kind)[0].isoformat().replace("+00:00", "Z")
    query = urlencode({"start": start, "format": fmt, "tz": "America/Chicago"})
    page = client.post(f"{SLOTS}details/?{query}", {"name": "Ari", "for_couple": "0"} | data)
    assert page.status_code == 200, page.content.decode()[:3000]
    payload = re.search(r'name="payload" value="([^"]+)"', page.content.decode())
    assert payload
    done = client.post(f"{SLOTS}confirm/?tz=America/Chicago", {"payload": payload.group(1)})
    assert done.status_code == 302
    return str(done["Location"])


def _run_queued_messages() -> list[str]:
    """Run every queued appointment message as a worker would; return what each did."""
    outcomes = []
    for row in DBTaskResult.objects.order_by("enqueued_at"):
        result = row.task_result
        for job in (send_appointment_message, send_change_text):
            if row.task_path.endswith(job.name):
                outcomes.append(job.func(TaskContext(task_result=result), *result.args))
    return outcomes


def _page(client: Client, location: str) -> str:
    return client.get(location).content.decode().replace("&#x27;", "'")


def test_a_person_who_allowed_texts_and_gave_no_email_gets_a_text_with_the_link(
    client: Client, consultation: AppointmentType
) -> None:
    location = _book(client, consultation, {"phone": "(212) 555-0142", "may_text": "on"})

    _run_queued_messages()

    text = OutboxMessage.objects.get(kind=OutboxMessage.Kind.TEXT)
    appointment = Appointment.objects.get()
    assert text.to == "+12125550142"
    assert appointment.get_manage_url() in text.text
    assert text.text.startswith("Your appointment on ")
    assert "CST" in text.text or "CDT" in text.text  # in the zone they booked in
    # Discreet: the kind of appointment, the clinician and the practice are never named.
    for word in ["consultation", "therap", "Brenner", "Hannah", "counsel"]:
        assert word.lower() not in text.text.lower()
    html = _page(client, location)
    assert "It's also in the text" in html
    assert "also in your email" not in html


def test_a_person_who_gave_an_email_gets_no_text(
    client: Client, consultation: AppointmentType
) -> None:
    _book(
        client,
        consultation,
        {"phone": "(212) 555-0142", "may_text": "on", "email": "ari@example.org"},
    )

    _run_queued_messages()

    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT).exists()
    assert ["ari@example.org"] in [m.to for m in mail.outbox]


def test_without_email_or_texts_the_page_says_to_keep_the_link_and_shows_it_again(
    client: Client, consultation: AppointmentType
) -> None:
    location = _book(client, consultation, {"phone": "(212) 555-0142", "may_call": "on"})

    _run_queued_messages()

    clinician = Appointment.objects.get().clinician.notify_email
    assert [m.to for m in mail.outbox] == [[clinician]]
    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT).exists()
    html = _page(client, location)
    assert "also in your email" not in html
    assert "also in the text" not in html
    assert "won't be sent to you" in html
    manage = Appointment.objects.get().get_manage_url()
    # The link again, without JavaScript: a disclosure holding the whole address to copy.
    shown = re.search(r"<details[^>]*>\s*<summary>([^<]+)</summary>(.*?)</details>", html, re.S)
    assert shown, html
    assert "Show the link again" in shown.group(1)
    field = r'<input[^>]+readonly[^>]+value="http[^"]+' + re.escape(manage)
    assert re.search(field, shown.group(2))


def test_with_an_email_the_page_still_says_it_is_in_the_email(
    client: Client, consultation: AppointmentType
) -> None:
    location = _book(client, consultation, {"email": "ari@example.org"}, fmt="video")
    assert "It's also in your email" in _page(client, location)


def test_a_move_made_through_the_link_is_texted_too(
    client: Client, consultation: AppointmentType
) -> None:
    location = _book(client, consultation, {"phone": "(212) 555-0142", "may_text": "on"})
    token = location.split("/")[2]
    appointment = Appointment.objects.get()
    first, last = bookable_window(appointment_type=consultation, now=timezone.now())
    slots = available_slots(
        appointment_type=consultation,
        now=timezone.now(),
        first_day=first,
        last_day=last,
        moving=appointment.pk,
    )
    new_start = [s for s in slots if s > appointment.start][2]
    client.post(f"/appointment/{token}/move/", {"start": new_start.isoformat(), "confirm": "1"})

    _run_queued_messages()

    texts = list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT).order_by("pk"))
    moved = Appointment.objects.get(start=new_start)
    assert len(texts) == 2
    assert texts[1].text.startswith("Your appointment is moved to ")
    assert moved.get_manage_url() in texts[1].text
