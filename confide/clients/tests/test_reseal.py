"""reseal moves every sealed value to the newest data key."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from pytest_django.fixtures import Settings

from confide.clients import services
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.clients.services import PersonDetails
from confide.lib.crypto import key_id_of, new_key
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


def test_reseal_moves_every_value_to_the_newest_key(demo: None, settings: Settings) -> None:
    old = _key("old")
    settings.DATA_KEYS = old
    therapist = User.objects.get(username="therapist")
    clinician = Clinician.objects.get()
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Z")], display_name="Z",
        clinician_id=clinician.pk, actor=therapist, request=None,
    )  # fmt: skip
    note = services.note_create(
        client=client,
        kind="progress",
        template="free",
        sections={"text": "kept"},
        author=therapist,
        request=None,
    )
    request = ConsultationRequest(clinician=clinician, name="R", email="r@example.org")
    request.note = "a note"
    request.save()

    settings.DATA_KEYS = f"{_key('new')},{old}"
    out = StringIO()
    call_command("reseal", stdout=out)
    assert "now sealed with key 'new'" in out.getvalue()
    note = ClinicalNote.objects.get(pk=note.pk)
    request = ConsultationRequest.objects.get(pk=request.pk)
    assert key_id_of(note.body_sealed) == "new"
    assert key_id_of(request.note_sealed) == "new"

    # The old key can now be dropped and everything still reads.
    settings.DATA_KEYS = settings.DATA_KEYS.split(",")[0]
    assert ClinicalNote.objects.get(pk=note.pk).sections == {"text": "kept"}
    assert ConsultationRequest.objects.get(pk=request.pk).note == "a note"
    again = StringIO()
    call_command("reseal", stdout=again)
    assert "0 values now sealed" in again.getvalue()
