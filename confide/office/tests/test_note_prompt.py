"""A psychotherapy note sent after the password went stale survives the prompt, sealed."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient

from confide.accounts.sessions import AUTH_RECORDS_KEY
from confide.accounts.testing import sign_in
from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.clients.testing import sign_ready
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db

CANARY = "CANARY-0d4e-note-across-the-prompt"
PASSWORD = "owner-password-123"


@pytest.fixture
def client_record(demo: None, owner: User) -> Client:
    return services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Ari", email="ari@example.org")],
        display_name="",
        clinician_id=Clinician.objects.get(slug="hannah-brenner").pk,
        actor=owner,
        request=None,
    )


def _password_goes_stale(http: HttpClient) -> None:
    """Age the password this session proved past the five-minute window."""
    session = http.session
    for record in session[AUTH_RECORDS_KEY]:
        record["at"] = time.time() - 301
    session.save()


def _sessions_text() -> str:
    return "\n".join(f"{s.session_data}\n{s.get_decoded()!r}" for s in Session.objects.all())


def test_a_new_psychotherapy_note_sent_after_the_window_is_saved_after_the_password(
    owner: User, client_record: Client
) -> None:
    http = sign_in(HttpClient(), owner, fresh_password=True)
    page = f"/office/clients/{client_record.uid}/notes/new/?kind=psychotherapy&template=free"
    assert http.get(page).status_code == 200  # the form opens with a fresh password
    _password_goes_stale(http)

    asked = http.post(page, {"text": CANARY})

    assert "/reauthenticate/" in asked["Location"]
    assert CANARY not in _sessions_text()
    assert not ClinicalNote.objects.exists()
    saved = http.post(asked["Location"], {"password": PASSWORD}, follow=True)
    note = ClinicalNote.objects.get()
    assert note.kind == ClinicalNote.Kind.PSYCHOTHERAPY
    assert note.sections["text"] == CANARY
    assert saved.redirect_chain[-1][0] == f"/office/notes/{note.uid}/"
    assert CANARY not in _sessions_text()


def test_an_amendment_sent_after_the_window_is_added_after_the_password(
    owner: User, client_record: Client
) -> None:
    note = services.note_create(
        client=client_record, kind="psychotherapy", template="free",
        sections={"text": "Signed earlier."}, author=owner, request=None,
    )  # fmt: skip
    services.note_sign(note=sign_ready(note), actor=owner, request=None, now=note.created_at)
    http = sign_in(HttpClient(), owner, fresh_password=True)
    _password_goes_stale(http)

    asked = http.post(f"/office/notes/{note.uid}/", {"text": CANARY})

    assert "/reauthenticate/" in asked["Location"]
    assert CANARY not in _sessions_text()
    http.post(asked["Location"], {"password": PASSWORD}, follow=True)
    assert [a.text for a in note.amendments.all()] == [CANARY]


def test_a_wrong_password_keeps_nothing_in_clear_and_saves_nothing(
    owner: User, client_record: Client
) -> None:
    http = sign_in(HttpClient(), owner)
    page = f"/office/clients/{client_record.uid}/notes/new/?kind=psychotherapy&template=free"

    asked = http.post(page, {"text": CANARY})
    refused = http.post(asked["Location"], {"password": "not-the-password"})

    assert refused.status_code == 200
    assert not ClinicalNote.objects.exists()
    assert CANARY not in _sessions_text()
