"""A note saved after the idle sign-out is kept sealed and comes back after signing in again."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient

from confide.accounts.sessions import SEEN_AT, STAMP
from confide.accounts.suspended import SIGNED_OUT_KEEP_SECONDS, SIGNED_OUT_POST_KEY
from confide.accounts.testing import sign_in
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import note_create
from confide.office.tests.factories import book, client_of, demo_clinician, therapist_user

pytestmark = pytest.mark.django_db

LOGIN = "/office/account/login/"
WORDS = "Named the shame about the move for the first time; Zebulon-canary-7731."


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def sam(demo: None) -> Client:
    return client_of(demo_clinician())


def _idle(client: HttpClient) -> None:
    session = client.session
    session[SEEN_AT] = time.time() - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()


def _next_of(response: object) -> str:
    location = response["Location"]  # type: ignore[index]
    assert location.startswith(LOGIN)
    return unquote(parse_qs(urlsplit(location).query)["next"][0])


def _every_session_row() -> str:
    rows = Session.objects.all()
    return "".join(row.session_data + str(row.get_decoded()) for row in rows)


def test_a_new_note_signed_after_the_idle_limit_comes_back_unsaved(
    client: HttpClient, therapist: User, sam: Client
) -> None:
    sign_in(client, therapist)
    page = f"/office/clients/{sam.uid}/notes/new/?kind=progress&template=dap"
    assert client.get(page).status_code == 200
    _idle(client)

    response = client.post(page, {"data": WORDS, "assessment": "", "plan": "", "sign": ""})

    back = _next_of(response)
    assert back.startswith(f"/office/clients/{sam.uid}/notes/new/?")
    assert parse_qs(urlsplit(back).query)["kind"] == ["progress"]
    assert "kept" in parse_qs(urlsplit(back).query)
    assert not ClinicalNote.objects.exists()  # nothing saved, and nothing signed
    assert "What you were writing is kept" in client.get(response["Location"]).content.decode()
    assert WORDS not in _every_session_row()
    assert "Zebulon" not in _every_session_row()

    sign_in(client, therapist)
    restored = client.get(back)

    html = restored.content.decode()
    assert WORDS in html
    assert "It is not saved yet" in html
    assert not ClinicalNote.objects.exists()
    # Once only.
    again = client.get(back).content.decode()
    assert WORDS not in again
    assert "could not be kept" in again


def test_a_draft_saved_after_the_idle_limit_keeps_its_old_text_until_saved_again(
    client: HttpClient, therapist: User, sam: Client
) -> None:
    note = note_create(
        client=sam, kind="progress", template="dap", sections={"data": "Before."},
        author=therapist, request=None,
    )  # fmt: skip
    sign_in(client, therapist)
    _idle(client)

    response = client.post(f"/office/notes/{note.uid}/", {"data": WORDS, "save": ""})

    back = _next_of(response)
    note.refresh_from_db()
    assert note.sections["data"] == "Before."
    sign_in(client, therapist)
    html = client.get(back).content.decode()
    assert WORDS in html
    note.refresh_from_db()
    assert note.sections["data"] == "Before."
    assert not note.is_signed


def test_someone_else_signing_in_on_that_browser_gets_nothing(
    client: HttpClient, therapist: User, owner: User, sam: Client
) -> None:
    sign_in(client, therapist)
    page = f"/office/clients/{sam.uid}/notes/new/?kind=progress&template=dap"
    _idle(client)
    back = _next_of(client.post(page, {"data": WORDS, "save": ""}))

    sign_in(client, owner)
    html = client.get(back).content.decode()

    assert WORDS not in html
    assert "could not be kept" in html


def test_a_kept_note_is_gone_after_an_hour(
    client: HttpClient, therapist: User, sam: Client
) -> None:
    sign_in(client, therapist)
    page = f"/office/clients/{sam.uid}/notes/new/?kind=progress&template=dap"
    _idle(client)
    back = _next_of(client.post(page, {"data": WORDS, "save": ""}))
    session = client.session
    entry = session[SIGNED_OUT_POST_KEY]
    entry["at"] -= SIGNED_OUT_KEEP_SECONDS + 1
    session[SIGNED_OUT_POST_KEY] = entry
    session.save()

    client.get("/")  # any request drops what is past its time
    assert SIGNED_OUT_POST_KEY not in client.session
    sign_in(client, therapist)
    assert WORDS not in client.get(back).content.decode()


def test_a_session_ended_by_a_password_change_keeps_nothing(
    client: HttpClient, therapist: User, sam: Client
) -> None:
    sign_in(client, therapist)
    session = client.session
    session[STAMP] = "changed elsewhere"
    session.save()

    response = client.post(
        f"/office/clients/{sam.uid}/notes/new/?kind=progress&template=dap", {"data": WORDS}
    )

    assert "kept" not in parse_qs(urlsplit(_next_of(response)).query)
    assert SIGNED_OUT_POST_KEY not in client.session


def test_other_forms_are_not_kept(client: HttpClient, therapist: User, sam: Client) -> None:
    appointment = book(sam, sam.created_at)
    sign_in(client, therapist)
    _idle(client)

    response = client.post(f"/office/appointments/{appointment.pk}/cancel/", {"by": "client"})

    assert "kept" not in parse_qs(urlsplit(_next_of(response)).query)
    assert SIGNED_OUT_POST_KEY not in client.session
