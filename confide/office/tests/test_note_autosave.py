"""Drafts that save themselves as they are typed, and staying signed in from the idle warning."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.accounts.sessions import SEEN_AT
from confide.accounts.suspended import SUSPENDED_POST_KEY
from confide.accounts.testing import sign_in
from confide.audit.models import AuditEvent
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import note_create, note_sign
from confide.clients.testing import sign_ready
from confide.office.tests.factories import client_of, demo_clinician, therapist_user

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


@pytest.fixture
def office(client: HttpClient, therapist: User) -> HttpClient:
    return sign_in(client, therapist, fresh_password=True)


def _draft(sam: Client, author: User, text: str = "Before.") -> ClinicalNote:
    return note_create(
        client=sam, kind="progress", template="dap", sections={"data": text},
        author=author, request=None,
    )  # fmt: skip


def test_the_first_automatic_save_starts_a_draft_and_never_signs(
    office: HttpClient, sam: Client
) -> None:
    response = office.post(
        f"/office/clients/{sam.uid}/notes/new/?kind=progress&template=dap",
        {"data": "Typed so far", "autosave": "1", "sign": ""},
        headers=JSON,
    )

    assert response.status_code == 201
    note = ClinicalNote.objects.get()
    assert response.json()["url"] == f"/office/notes/{note.uid}/"
    assert dt.datetime.fromisoformat(response.json()["saved_at"]) == note.updated_at
    local = note.updated_at.astimezone(sam.clinician.tz())
    assert response.json()["saved_label"] == local.strftime("%-I:%M %p")
    assert note.sections["data"] == "Typed so far"
    assert not note.is_signed


def test_later_automatic_saves_change_the_draft(
    office: HttpClient, sam: Client, therapist: User
) -> None:
    note = _draft(sam, therapist)

    response = office.post(
        f"/office/notes/{note.uid}/",
        {"data": "More now", "autosave": "1", "sign": ""},
        headers=JSON,
    )

    assert response.status_code == 200
    note.refresh_from_db()
    assert note.sections["data"] == "More now"
    assert not note.is_signed


def test_a_signed_note_is_not_saved_automatically(
    office: HttpClient, sam: Client, therapist: User
) -> None:
    note = _draft(sam, therapist)
    note_sign(note=sign_ready(note), actor=therapist, request=None, now=timezone.now())

    response = office.post(
        f"/office/notes/{note.uid}/", {"data": "Changed", "autosave": "1"}, headers=JSON
    )

    assert response.status_code == 409
    assert "signed and locked" in response.json()["error"]
    note.refresh_from_db()
    assert note.sections["data"] == "Before."


def test_automatic_saves_are_audited_once_per_stretch_of_writing(
    office: HttpClient, sam: Client, therapist: User
) -> None:
    note = _draft(sam, therapist)

    def audited() -> list[str]:
        return list(
            AuditEvent.objects.filter(target_uid=note.uid)
            .order_by("pk")
            .values_list("summary", flat=True)
        )

    before = audited()
    for text in ["a", "ab", "abc"]:
        office.post(f"/office/notes/{note.uid}/", {"data": text, "autosave": "1"}, headers=JSON)
    assert audited() == before  # saved moments after the draft began: one stretch

    ClinicalNote.objects.filter(pk=note.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11)
    )
    office.post(f"/office/notes/{note.uid}/", {"data": "abcd", "autosave": "1"}, headers=JSON)
    assert audited() == [*before, "draft saved automatically"]

    office.post(f"/office/notes/{note.uid}/", {"data": "abcde", "save": ""})
    assert audited()[-1] == "draft changed"  # a Save pressed by hand is always recorded


def test_a_psychotherapy_note_is_not_saved_automatically_without_a_fresh_password(
    client: HttpClient, therapist: User, sam: Client
) -> None:
    office = sign_in(client, therapist)  # password typed more than five minutes ago
    note = note_create(
        client=sam, kind="psychotherapy", template="free", sections={"text": "Private."},
        author=therapist, request=None,
    )  # fmt: skip

    response = office.post(
        f"/office/notes/{note.uid}/", {"text": "Changed", "autosave": "1"}, headers=JSON
    )

    assert response.status_code == 403
    assert "confirm your password" in response.json()["error"]
    assert SUSPENDED_POST_KEY not in office.session
    note.refresh_from_db()
    assert note.sections["text"] == "Private."


def test_stay_signed_in_restarts_the_idle_clock(office: HttpClient) -> None:
    session = office.session
    session[SEEN_AT] = time.time() - 14 * 60
    session.save()

    response = office.post("/office/session/stay/", headers=JSON)

    assert response.status_code == 200
    assert time.time() - office.session[SEEN_AT] < 5
    plain = office.post("/office/session/stay/", {"next": "/office/clients/"})
    assert plain["Location"] == "/office/clients/"
    elsewhere = office.post("/office/session/stay/", {"next": "https://example.org/office/"})
    assert elsewhere["Location"] == "/office/"


def test_the_idle_warning_is_on_every_office_page_for_staff(
    office: HttpClient, client: HttpClient, sam: Client
) -> None:
    for page in ["/office/", f"/office/clients/{sam.uid}/", "/office/calendar/"]:
        html = office.get(page).content.decode()
        assert 'id="idle-warning" data-idle-seconds="900" hidden' in html
    office.post("/office/account/logout/")
    assert "idle-warning" not in HttpClient().get("/office/account/login/").content.decode()
