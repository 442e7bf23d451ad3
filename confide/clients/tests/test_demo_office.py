"""load_demo fills the office with fictional clients, requests and a note, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def test_load_demo_fills_the_office_once(tmp_path: object, settings: object) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("load_demo", stdout=StringIO())
    counts = (
        Client.objects.count(),
        ConsultationRequest.objects.count(),
        ClinicalNote.objects.count(),
    )
    assert counts == (2, 2, 1)
    assert Appointment.objects.filter(client__isnull=False).count() == 2
    assert Client.objects.get(kind="couple").people.count() == 2
    call_command("load_demo", stdout=StringIO())
    assert (
        Client.objects.count(),
        ConsultationRequest.objects.count(),
        ClinicalNote.objects.count(),
    ) == counts
