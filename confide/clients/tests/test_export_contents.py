"""A client's export carries the whole record: documents, the request they came from, who signed."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.accounts.testing import sign_in
from confide.clients import services
from confide.clients.models import Client, ConsultationRequest, Document
from confide.clients.testing import sign_ready
from confide.practice.models import Clinician, Practice

WORDS = "I keep thinking everyone would be better off without me."
PDF = b"%PDF-1.4 a signed consent\n%%EOF"
NOW = dt.datetime(2027, 3, 16, 3, 30, tzinfo=dt.UTC)  # the evening of March 15 in New York


@pytest.fixture
def therapist(demo: None) -> User:
    return User.objects.get(username="therapist")


@pytest.fixture
def robin(therapist: User) -> Client:
    clinician = Clinician.objects.get()
    consultation = ConsultationRequest(
        clinician=clinician, name="Robin", phone="(212) 555-0142", may_call=True,
        voicemail_ok=False, time_zone="America/New_York", needs_attention=True,
    )  # fmt: skip
    consultation.safe_times = "weekdays after 6 pm"
    consultation.note = WORDS
    consultation.preferred_times = "Tuesday evenings"
    consultation.save()
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[services.person_details_from_request(consultation)],
        display_name="Robin", clinician_id=clinician.pk, actor=therapist, request=None,
        consultation=consultation,
    )  # fmt: skip
    services.document_add(
        client=client, title="Signed consent", content_type="application/pdf", data=PDF,
        actor=therapist, request=None,
    )  # fmt: skip
    note = services.note_create(
        client=client, kind="progress", template="free", sections={"text": "First call."},
        author=therapist, request=None,
    )  # fmt: skip
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=timezone.now())
    return client


def _export(client: Client, therapist: User) -> dict[str, Any]:
    return services.client_export(
        client=client, appointments=[], include_psychotherapy_notes=False, actor=therapist,
        request=None, now=NOW,
    )  # fmt: skip


def test_the_export_includes_each_document_whole(robin: Client, therapist: User) -> None:
    data = _export(robin, therapist)

    document = Document.objects.get(client=robin)
    assert data["documents"] == [
        {
            "id": str(document.uid),
            "title": "Signed consent",
            "content_type": "application/pdf",
            "size": len(PDF),
            "uploaded": document.uploaded_at.isoformat(),
            "filename": "Signed consent.pdf",
            "data_base64": base64.b64encode(PDF).decode("ascii"),
        }
    ]


def test_the_export_includes_the_request_and_their_words(robin: Client, therapist: User) -> None:
    data = _export(robin, therapist)

    consultation = robin.consultation
    assert consultation is not None
    request = data["request"]
    assert isinstance(request, dict)
    assert request["id"] == str(consultation.uid)
    assert request["sent"] == consultation.created_at.isoformat()
    assert request["name"] == "Robin"
    assert request["phone"] == "(212) 555-0142"
    assert request["may_call"] is True
    assert request["voicemail_ok"] is False
    assert request["safe_times"] == "weekdays after 6 pm"
    assert request["flagged_for_crisis_language"] is True
    assert request["their_words"] == WORDS
    assert request["preferred_times"] == "Tuesday evenings"


def test_a_client_without_a_request_exports_none(therapist: User, demo: None) -> None:
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[services.PersonDetails(name="Sam")],
        display_name="Sam", clinician_id=Clinician.objects.get().pk, actor=therapist,
        request=None,
    )  # fmt: skip

    data = _export(client, therapist)

    assert data["request"] is None
    assert data["documents"] == []


def test_the_export_names_the_signer_and_the_practice(robin: Client, therapist: User) -> None:
    data = _export(robin, therapist)

    clinician = Clinician.objects.get()
    [note] = data["notes"]
    assert note["signer"] == {
        "name": clinician.name,
        "credentials": clinician.credentials,
        "license": f"{clinician.license_state} {clinician.license_number}",
    }
    practice = Practice.load()
    assert data["practice"] == {"name": practice.name, "address": practice.address_lines()}
    assert data["exported"] == NOW.isoformat()


def test_a_document_that_does_not_open_is_listed_without_its_data(
    robin: Client, therapist: User
) -> None:
    Document.objects.filter(client=robin).update(data_sealed="v1:broken")

    [document] = _export(robin, therapist)["documents"]

    assert document["data_base64"] is None
    assert document["error"] == "could not be opened"


def _printout(robin: Client, therapist: User) -> str:
    http = sign_in(HttpClient(), therapist, fresh_password=True)
    response = http.post(f"/office/clients/{robin.uid}/export/", {"format": "print"})
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_printout_shows_the_practice_the_signer_and_the_date_printed(
    robin: Client, therapist: User
) -> None:
    text = _printout(robin, therapist)

    practice, clinician = Practice.load(), Clinician.objects.get()
    assert practice.name in text
    for line in practice.address_lines():
        assert line in text
    assert f"Printed {timezone.localdate(timezone.now(), clinician.tz()):%B} " in text
    assert f"by {clinician.name}, {clinician.credentials}" in text
    assert clinician.license_number in text


def test_the_printout_lists_documents_and_the_request_with_their_words(
    robin: Client, therapist: User
) -> None:
    text = _printout(robin, therapist)

    assert f"Signed consent (PDF, {len(PDF)} bytes, uploaded" in text
    assert "Flagged for crisis language" in text
    assert WORDS in text


def test_the_downloaded_export_is_json_with_the_documents(robin: Client, therapist: User) -> None:
    http = sign_in(HttpClient(), therapist, fresh_password=True)
    response = http.post(f"/office/clients/{robin.uid}/export/", {"format": "json"})

    data = json.loads(response.content)
    assert base64.b64decode(data["documents"][0]["data_base64"]) == PDF
    assert data["request"]["their_words"] == WORDS
