"""Every log line of the booking journey and the office is JSON with identifiers only."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create, totp_code
from confide.clients import services
from confide.clients.models import Client, ConsultationRequest
from confide.lib.jsonlog import KEYS, JsonFormatter
from confide.practice.models import Practice
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.selectors import available_slots, bookable_window

pytestmark = pytest.mark.django_db

NAME, PARTNER = "Marisol Quennell", "Ottoline Prewitt"
EMAIL, PHONE = "marisol.quennell@example.org", "212 555 0163"
NOTE_CANARY = "canary-3e9d-note"
CLINICAL_CANARY = "canary-51aa-clinical"
SLOTS = "/book/hannah-brenner/consultation/"
PASSWORD = "logs-owner-password-9"


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every record any logger writes, at DEBUG and up."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _book(http: HttpClient, kind: AppointmentType) -> str:
    """Book the first open time as the person above; return the manage link's token."""
    now = timezone.now()
    first, last = bookable_window(appointment_type=kind, now=now)
    # Beyond the cancellation window, so that the person may still cancel it online below.
    window = dt.timedelta(hours=Practice.load().cancellation_window_hours + 1)
    start = next(
        s
        for s in available_slots(appointment_type=kind, now=now, first_day=first, last_day=last)
        if s > now + window
    )
    iso = start.isoformat().replace("+00:00", "Z")
    details = f"{SLOTS}details/?start={iso}&format=phone&tz=America/New_York"
    assert http.get("/book/").status_code == 200
    assert http.get(SLOTS + "?format=phone&tz=America/New_York").status_code == 200
    assert http.get(details).status_code == 200
    data = {
        "name": NAME, "email": EMAIL, "phone": PHONE, "may_email": "on", "may_call": "on",
        "for_couple": "1", "partner_name": PARTNER, "note": f"Please call late. {NOTE_CANARY}",
    }  # fmt: skip
    # A bad address first: the form comes back with the rest of what was typed.
    assert http.post(details, {**data, "email": "marisol@"}).status_code in {200, 400}
    page = http.post(details, data)
    assert page.status_code == 200, page.content.decode()[:2000]
    match = re.search(r'name="payload" value="([^"]+)"', page.content.decode())
    assert match
    done = http.post(SLOTS + "confirm/?tz=America/New_York", {"payload": match.group(1)})
    assert done.status_code == 302
    assert http.get(done["Location"]).status_code == 200
    return str(done["Location"]).split("/")[2]


def _manage(http: HttpClient, token: str) -> None:
    url = f"/appointment/{token}/"
    assert http.get(url).status_code == 200
    assert http.get(url + "move/").status_code == 200
    assert http.get(url + "nowhere/").status_code == 404
    assert http.post(url + "cancel/").status_code == 302
    assert http.post(url + "cancel/").status_code == 409


def _office(http: HttpClient, owner: User) -> None:
    search = "/office/clients/?q=" + NAME.split()[1]
    assert http.get(search).status_code == 302
    assert http.post("/office/account/login/", {"login": owner.username, "password": "wrong-1"})
    step = http.post("/office/account/login/", {"login": owner.username, "password": PASSWORD})
    assert step.status_code == 302
    code = http.post("/office/account/2fa/authenticate/", {"code": totp_code(owner)})
    assert code.status_code == 302
    assert http.get(search).status_code == 200
    assert http.get("/office/requests/").status_code == 200
    request = ConsultationRequest.objects.get()
    assert http.get(f"/office/requests/{request.uid}/").status_code == 200
    accepted = http.post(
        f"/office/requests/{request.uid}/client/", {"kind": "individual", "display_name": ""}
    )
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    client = Client.objects.get()
    assert http.get(client.get_absolute_url()).status_code == 200
    note = services.note_create(
        client=client, kind="progress", template="soap",
        sections={"subjective": f"Spoke of her sister. {CLINICAL_CANARY}"}, author=owner,
        request=None,
    )  # fmt: skip
    assert http.get(f"/office/notes/{note.uid}/").status_code == 200
    assert http.get(f"/office/notes/{note.uid}/?from={NAME}").status_code == 200


def test_no_log_line_of_booking_or_the_office_holds_a_persons_data(
    demo: None, records: pytest.LogCaptureFixture
) -> None:
    consultation = AppointmentType.objects.get(
        clinician__slug="hannah-brenner", slug="consultation"
    )
    owner = staff_user_create("logs-owner", role=StaffProfile.Role.OWNER, password=PASSWORD)
    visitor, office = HttpClient(), HttpClient()

    token = _book(visitor, consultation)
    _manage(visitor, token)
    _office(office, owner)

    appointment = Appointment.objects.get()
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in records.records]
    # The paths above did write lines (the 404 and the 409 at least), each one JSON object.
    assert len(lines) >= 2, lines
    for line in lines:
        assert "\n" not in line
        assert set(json.loads(line)) <= KEYS, line
    logged = "\n".join(lines)
    # The same records as plain text do hold them: a path's token, a template's context.
    plain = "\n".join(logging.Formatter().format(record) for record in records.records)
    assert token in plain
    assert NAME in plain
    secrets = [
        *NAME.split(), *PARTNER.split(), EMAIL, PHONE, "5550163", "555-0163", NOTE_CANARY,
        CLINICAL_CANARY, token, appointment.manage_key, *token.split(":"),
    ]  # fmt: skip
    for secret in secrets:
        assert secret.lower() not in logged.lower(), (secret, logged)
    assert not re.search(r"\?\w+=|%3F", logged), logged
    # The token's path is still told, masked.
    assert "/appointment/:token/nowhere/" in logged
