"""Records that cannot be opened with the configured keys get a clear page, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

from confide.accounts.testing import sign_in
from confide.audit.models import AuditEvent
from confide.clients import services
from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.clients.services import PersonDetails
from confide.clients.testing import sign_ready
from confide.keys.ring import forget_verified_keys, keyring
from confide.lib.crypto import new_key
from confide.practice.models import Clinician
from confide.scheduling.requests import ContactDetails, consultation_request_create

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 15, 15, 0, tzinfo=dt.UTC)
CLEAR = "This record can't be opened with the keys configured on this server (key id k1)"


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


@pytest.fixture(autouse=True)
def sealed_with_k1(settings: Settings) -> Iterator[None]:
    forget_verified_keys()
    settings.DATA_KEYS = _key("k1")
    yield
    forget_verified_keys()


@pytest.fixture
def couple(demo: None, owner: User) -> Client:
    return services.client_create(
        kind=Client.Kind.COUPLE,
        people=[PersonDetails(name="Sam", safe_times="after 9 pm"), PersonDetails(name="Lee")],
        display_name="",
        clinician_id=Clinician.objects.get(slug="hannah-brenner").pk,
        actor=owner,
        request=None,
    )


@pytest.fixture
def note(couple: Client, owner: User) -> ClinicalNote:
    return services.note_create(
        client=couple, kind="progress", template="free", sections={"text": "Felt unseen."},
        author=owner, request=None,
    )  # fmt: skip


def _document(couple: Client, owner: User) -> str:
    document = services.document_add(
        client=couple, title="Consent", content_type="text/plain", data=b"I agree.",
        actor=owner, request=None,
    )  # fmt: skip
    return f"/office/documents/{document.uid}/"


def _request(couple: Client, owner: User) -> str:
    request = consultation_request_create(
        clinician=couple.clinician,
        contact=ContactDetails(name="R", email="r@example.org"),
        preferred_times="Wednesday mornings",
    )
    return f"/office/requests/{request.uid}/"


PAGES: list[tuple[str, Callable[[Client, User], str]]] = [
    ("client page", lambda c, o: f"/office/clients/{c.uid}/"),
    ("note page", lambda c, o: f"/office/notes/{c.notes.get().uid}/"),
    ("document download", _document),
]


@pytest.mark.parametrize(("page", "url"), PAGES, ids=[p for p, _ in PAGES])
def test_a_record_sealed_with_a_key_no_longer_configured_gets_a_clear_page(
    settings: Settings,
    owner: User,
    couple: Client,
    note: ClinicalNote,
    page: str,
    url: Callable[[Client, User], str],
) -> None:
    address = url(couple, owner)
    http = sign_in(HttpClient(), owner)
    assert http.get(address).status_code == 200

    settings.DATA_KEYS = _key("k2")
    response = http.get(address)

    assert response.status_code == 503
    html = response.content.decode()
    assert CLEAR in html
    assert "Nothing was changed." in html
    assert "Felt unseen" not in html


def test_an_export_that_cannot_open_a_note_changes_nothing(
    settings: Settings, owner: User, couple: Client, note: ClinicalNote
) -> None:
    http = sign_in(HttpClient(), owner, fresh_password=True)
    settings.DATA_KEYS = _key("k2")

    response = http.post(f"/office/clients/{couple.uid}/export/", {"format": "json"})

    assert response.status_code == 503
    assert CLEAR in response.content.decode()
    assert not AuditEvent.objects.filter(client_uid=couple.uid, action="export").exists()


def test_an_unsigned_note_in_the_database_gets_the_clear_page_not_its_text(
    owner: User, note: ClinicalNote
) -> None:
    services.note_sign(note=sign_ready(note), actor=owner, request=None, now=NOW)
    ClinicalNote.objects.filter(pk=note.pk).update(signed_at=None, signed_by=None)

    response = sign_in(HttpClient(), owner).get(f"/office/notes/{note.uid}/")

    assert response.status_code == 503
    assert CLEAR in response.content.decode()


def test_a_key_with_the_wrong_bytes_is_named_and_nothing_is_saved(
    settings: Settings, owner: User, couple: Client, note: ClinicalNote
) -> None:
    keyring()
    settings.DATA_KEYS = _key("k1")
    forget_verified_keys()
    http = sign_in(HttpClient(), owner)

    response = http.post(f"/office/notes/{note.uid}/", {"text": "Changed.", "save": ""})

    assert response.status_code == 503
    html = response.content.decode()
    assert "The data key <strong>k1</strong> configured on this server is not the key" in html
    assert ClinicalNote.objects.get(pk=note.pk).body_sealed == note.body_sealed


def test_a_public_page_that_cannot_seal_says_nothing_was_saved(
    settings: Settings, demo: None, client: HttpClient
) -> None:
    keyring()
    settings.DATA_KEYS = _key("k1")
    forget_verified_keys()
    response = client.post(
        "/book/ask/",
        {"name": "Kim", "phone": "(212) 555-0142", "may_text": "on", "for_couple": "0",
         "preferred_times": "evenings"},
    )  # fmt: skip

    assert response.status_code == 503
    html = response.content.decode()
    assert "Nothing you sent was saved" in html
    assert "Back to Today" not in html
    assert not ConsultationRequest.objects.exists()


def test_a_request_whose_times_do_not_open_still_shows_how_to_reach_them(
    settings: Settings, owner: User, couple: Client
) -> None:
    address = _request(couple, owner)
    ConsultationRequest.objects.update(close_reason_sealed="v1.k1.tampered", status="closed")
    http = sign_in(HttpClient(), owner)
    settings.DATA_KEYS = _key("k2")

    html = http.get(address).content.decode()

    assert "r@example.org" in html
    assert "These times could not be opened" in html
    assert "Closed (the reason could not be opened)" in html
    assert "Wednesday" not in html
