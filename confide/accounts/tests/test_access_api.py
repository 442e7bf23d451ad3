"""The access rules other office code builds on: office_view, scopes, a fresh password."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from confide.accounts.access import (
    clinical_access,
    clinician_scope,
    office_view,
    role_of,
    scoped,
)
from confide.accounts.models import StaffProfile
from confide.accounts.sessions import AUTH_RECORDS_KEY
from confide.accounts.suspended import SUSPENDED_POST_KEY, post_forget_stale, post_resume
from confide.accounts.testing import sign_in
from confide.practice.models import Clinician

pytestmark = [pytest.mark.django_db, pytest.mark.urls("confide.accounts.tests.urls")]

SENSITIVE = "/office/test/sensitive/"
REAUTH = "/office/account/reauthenticate/"


def test_roles_are_read_from_the_staff_profile(
    owner: User, colleague: User, practice_manager: User, stranger: User
) -> None:
    assert role_of(owner) == StaffProfile.Role.OWNER
    assert role_of(colleague) == StaffProfile.Role.CLINICIAN
    assert role_of(practice_manager) == StaffProfile.Role.PRACTICE_MANAGER
    assert role_of(stranger) is None
    assert role_of(AnonymousUser()) is None


def test_a_superuser_without_a_profile_is_an_owner(db: None) -> None:
    admin = User.objects.create_superuser("installer", "i@example.org", "installer-pass-1")
    assert role_of(admin) == StaffProfile.Role.OWNER


def test_an_inactive_account_has_no_role(owner: User) -> None:
    owner.is_active = False
    assert role_of(owner) is None


@pytest.mark.parametrize(
    ("who", "clinical"),
    [("owner", True), ("colleague", True), ("practice_manager", False), ("stranger", False)],
)
def test_only_the_owner_and_clinicians_have_clinical_access(
    request: pytest.FixtureRequest, who: str, clinical: bool
) -> None:
    assert clinical_access(request.getfixturevalue(who)) is clinical


def test_a_clinician_is_scoped_to_their_own_clients(
    demo: None, owner: User, colleague: User, practice_manager: User
) -> None:
    theirs = colleague.staff_profile.clinician
    assert clinician_scope(colleague) == theirs
    assert clinician_scope(owner) is None
    assert clinician_scope(practice_manager) is None

    profiles = StaffProfile.objects.all()
    assert [p.user for p in scoped(profiles, colleague)] == [colleague]
    assert scoped(profiles, owner).count() == profiles.count() == 4  # with the demo therapist


def test_the_scope_fails_closed_for_someone_without_a_role(stranger: User) -> None:
    with pytest.raises(PermissionDenied):
        clinician_scope(stranger)
    with pytest.raises(PermissionDenied):
        scoped(Clinician.objects.all(), AnonymousUser())


def test_office_view_needs_at_least_one_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        office_view(roles=[])


def test_office_view_records_its_roles_for_the_access_tests() -> None:
    from confide.accounts.tests.urls import owners_only

    assert owners_only.office_roles == {StaffProfile.Role.OWNER}  # type: ignore[attr-defined]


def test_office_view_lets_the_role_in_and_refuses_others_calmly(
    owner: User, practice_manager: User
) -> None:
    assert sign_in(Client(), owner).get("/office/test/owners-only/").content == b"role: owner"
    refused = sign_in(Client(), practice_manager).get("/office/test/owners-only/")
    assert refused.status_code == 403
    assert "isn't part of your role" in refused.content.decode()


def test_a_sensitive_page_asks_for_the_password_again(owner: User) -> None:
    client = sign_in(Client(), owner)

    response = client.get(SENSITIVE)

    assert response.status_code == 302
    assert response["Location"] == f"{REAUTH}?next=%2Foffice%2Ftest%2Fsensitive%2F"
    assert "password" in client.get(response["Location"]).content.decode().lower()
    confirmed = client.post(response["Location"], {"password": "owner-password-123"}, follow=True)
    assert confirmed.content == b"opened with GET: "
    # For the next five minutes it opens straight away.
    assert client.get(SENSITIVE).status_code == 200


def test_a_wrong_password_does_not_open_it(owner: User) -> None:
    client = sign_in(Client(), owner)
    response = client.post(f"{REAUTH}?next={SENSITIVE}", {"password": "not-it-at-all"})
    assert response.status_code == 200
    assert client.get(SENSITIVE).status_code == 302


def test_a_form_sent_without_a_fresh_password_is_replayed_after_it(owner: User) -> None:
    client = sign_in(Client(), owner)
    response = client.post(SENSITIVE, {"what": "export"})
    assert response["Location"].startswith(REAUTH)

    replayed = client.post(response["Location"], {"password": "owner-password-123"}, follow=True)

    assert replayed.content == b"opened with POST: export"


def _session_rows_text() -> str:
    """Every stored session, raw and decoded, as one text to search."""
    rows = Session.objects.all()
    return "\n".join(f"{row.session_data}\n{row.get_decoded()!r}" for row in rows)


def test_a_form_kept_across_the_prompt_is_sealed_in_the_session(owner: User) -> None:
    client = sign_in(Client(), owner)
    canary = "CANARY-5f1c-kept-across-the-prompt"

    response = client.post(SENSITIVE, {"what": canary})

    assert response["Location"].startswith(REAUTH)
    stored = _session_rows_text()
    assert SUSPENDED_POST_KEY in stored  # the form is there, so the search is meaningful
    assert canary not in stored
    assert canary not in response["Location"]
    replayed = client.post(response["Location"], {"password": "owner-password-123"}, follow=True)
    assert replayed.content == f"opened with POST: {canary}".encode()
    assert SUSPENDED_POST_KEY not in _session_rows_text()


def test_a_kept_form_is_replayed_once_only(owner: User) -> None:
    client = sign_in(Client(), owner)
    prompt = client.post(SENSITIVE, {"what": "once"})["Location"]
    back = client.post(prompt, {"password": "owner-password-123"})["Location"]
    assert "resume=" in back
    assert client.get(back).content == b"opened with POST: once"

    again = client.get(back)

    assert again.content == b"opened with GET: "


def test_a_kept_form_is_not_replayed_with_another_nonce(owner: User) -> None:
    client = sign_in(Client(), owner)
    prompt = client.post(SENSITIVE, {"what": "guess"})["Location"]
    client.post(prompt, {"password": "owner-password-123"})

    guessed = client.get(f"{SENSITIVE}?resume=not-the-nonce", follow=True)

    assert guessed.content == b"opened with GET: "
    assert SUSPENDED_POST_KEY not in _session_rows_text()


def _request_with_session(client: Client, user: User, path: str) -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = user
    request.session = client.session
    return request


def test_a_kept_form_older_than_the_idle_limit_is_not_replayed(
    owner: User, settings: Settings
) -> None:
    client = sign_in(Client(), owner)
    client.post(SENSITIVE, {"what": "stale"})
    request = _request_with_session(client, owner, SENSITIVE)
    kept = dict(request.session[SUSPENDED_POST_KEY])
    limit = settings.STAFF_SESSION_IDLE_SECONDS

    late = post_resume(request, kept["nonce"], now=kept["at"] + limit + 1)
    request.session[SUSPENDED_POST_KEY] = kept
    in_time = post_resume(request, kept["nonce"], now=kept["at"] + limit - 1)

    assert late is None
    assert in_time is not None
    assert in_time["what"] == "stale"


def test_a_kept_form_nobody_came_back_for_leaves_the_session(
    owner: User, settings: Settings
) -> None:
    client = sign_in(Client(), owner)
    client.post(SENSITIVE, {"what": "abandoned"})
    request = _request_with_session(client, owner, "/office/")
    at = request.session[SUSPENDED_POST_KEY]["at"]

    post_forget_stale(request, now=at + settings.STAFF_SESSION_IDLE_SECONDS - 1)
    assert SUSPENDED_POST_KEY in request.session
    post_forget_stale(request, now=at + settings.STAFF_SESSION_IDLE_SECONDS + 1)
    assert SUSPENDED_POST_KEY not in request.session


def test_a_resume_on_another_page_leaves_the_kept_form_for_its_own(owner: User) -> None:
    client = sign_in(Client(), owner)
    prompt = client.post(SENSITIVE, {"what": "mine"})["Location"]
    back = client.post(prompt, {"password": "owner-password-123"})["Location"]
    nonce = back.split("resume=", 1)[1]
    elsewhere = _request_with_session(client, owner, "/office/test/owners-only/")

    assert post_resume(elsewhere, nonce) is None
    assert SUSPENDED_POST_KEY in elsewhere.session
    assert client.get(back).content == b"opened with POST: mine"


def test_a_kept_form_does_not_open_for_another_user(owner: User, colleague: User) -> None:
    client = sign_in(Client(), owner)
    prompt = client.post(SENSITIVE, {"what": "owners-text"})["Location"]
    back = client.post(prompt, {"password": "owner-password-123"})["Location"]
    kept = client.session[SUSPENDED_POST_KEY]
    other = sign_in(Client(), colleague, fresh_password=True)
    session = other.session
    session[SUSPENDED_POST_KEY] = kept
    session.save()

    page = other.get(back)

    assert page.content == b"opened with GET: "


def test_the_password_typed_to_sign_in_counts_for_five_minutes(owner: User) -> None:
    client = sign_in(Client(), owner, fresh_password=True)
    assert client.get(SENSITIVE).status_code == 200

    session = client.session
    for record in session[AUTH_RECORDS_KEY]:
        record["at"] = time.time() - 301
    session.save()

    assert client.get(SENSITIVE)["Location"].startswith(REAUTH)


def test_a_practice_manager_is_refused_before_any_password_prompt(
    practice_manager: User,
) -> None:
    client = sign_in(Client(), practice_manager, fresh_password=True)
    assert client.get(SENSITIVE).status_code == 403


def test_anonymous_visitors_go_to_sign_in_not_to_the_prompt(client: Client) -> None:
    assert client.get(SENSITIVE)["Location"].startswith("/office/account/login/")
