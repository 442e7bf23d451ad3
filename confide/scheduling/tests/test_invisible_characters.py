"""Names and short texts sent through the public forms are stored without invisible formatting."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from confide.clients.models import ConsultationRequest
from confide.office.forms_clients import NewClientForm
from confide.office.forms_schedule import AcceptRequestForm, CloseRequestForm
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import available_slots, bookable_window

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows shows reversed
ASK = "/book/ask/"


def test_a_name_sent_with_an_override_is_stored_without_it(
    client: Client, consultation: AppointmentType
) -> None:
    response = client.post(
        ASK,
        {
            "name": f"{RLO}Kim\u200b",
            "phone": "(212) 555-0142",
            "may_text": "on",
            "preferred_times": f"evenings{RLO}\r\nor weekends\u2066",
            "for_couple": "1",
            "partner_name": f"\u2067Lee{RLO}",
        },
    )

    assert response.status_code == 302
    request = ConsultationRequest.objects.get()
    assert (request.name, request.partner_name) == ("Kim", "Lee")
    # A longer answer keeps its lines.
    assert request.preferred_times == "evenings\nor weekends"


def test_a_name_of_nothing_but_formatting_is_no_name(
    client: Client, consultation: AppointmentType
) -> None:
    response = client.post(
        ASK,
        {"name": f"{RLO}\u200b", "email": "kim@example.org", "preferred_times": "any"},
    )

    assert response.status_code == 400
    assert "Give a name to call you by; any name is fine." in response.content.decode()
    assert not ConsultationRequest.objects.exists()


def test_a_booking_stores_the_name_without_an_override(
    client: Client, consultation: AppointmentType
) -> None:
    first, last = bookable_window(appointment_type=consultation, now=timezone.now())
    start: dt.datetime = available_slots(
        appointment_type=consultation, now=timezone.now(), first_day=first, last_day=last
    )[0]
    query = urlencode({"start": start.isoformat(), "format": "video", "tz": "America/New_York"})
    details = client.post(
        f"/book/hannah-brenner/consultation/details/?{query}",
        {"name": f"Sam{RLO} Lee", "email": "sam@example.org", "may_email": "on", "for_couple": "0"},
    )
    assert details.status_code == 200
    payload = re.search(r'name="payload" value="([^"]+)"', details.content.decode())
    assert payload is not None

    booked = client.post(
        "/book/hannah-brenner/consultation/confirm/?tz=America/New_York",
        {"payload": payload.group(1)},
    )

    assert booked.status_code == 302
    consultation_request = Appointment.objects.get().consultation
    assert consultation_request is not None
    assert consultation_request.name == "Sam Lee"


@pytest.mark.parametrize(
    ("form_class", "data", "field", "expected"),
    [
        (
            NewClientForm,
            {"kind": "individual", "first_name": f"{RLO}Kim", "display_name": "K\u200bim"},
            "first.name",
            "Kim",
        ),
        (
            NewClientForm,
            {"kind": "individual", "first_name": f"{RLO}Kim", "display_name": "K\u200bim"},
            "display_name",
            "Kim",
        ),
        (NewClientForm, {"kind": "individual", "first_name": "Kim"}, "first.name", "Kim"),
        (
            AcceptRequestForm,
            {"kind": "couple", "partner_name": f"Lee{RLO}", "partner_email": "lee@example.org"},
            "partner.name",
            "Lee",
        ),
        (CloseRequestForm, {"reason": f"referred{RLO}\nelsewhere"}, "reason", "referred elsewhere"),
    ],
)
def test_office_name_fields_are_cleaned_too(
    form_class: type[NewClientForm | AcceptRequestForm | CloseRequestForm],
    data: dict[str, str],
    field: str,
    expected: str,
) -> None:
    form = form_class(data)
    assert form.is_valid(), form.errors
    # "partner.name": the name field of the form's partner part, sent as partner_name.
    *part, name = field.split(".")
    cleaned = getattr(form, part[0]).cleaned_data if part else form.cleaned_data
    assert cleaned[name] == expected
