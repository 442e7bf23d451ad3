"""A key id without a check must open what is stored under it; every app uses the one keyring."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from confide.accounts.adapters import mfa_secret_seal
from confide.audit.models import AuditEvent
from confide.audit.services import audit_chain_verify
from confide.clients.models import Client, ClinicalNote, ConsultationRequest, Document
from confide.keys.checks import data_keys_match_their_checks
from confide.keys.models import DataKeyCheck
from confide.keys.ring import DataKeyMismatchError, forget_verified_keys, keyring
from confide.lib.crypto import new_key, seal
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


@pytest.fixture(autouse=True)
def fresh_key_checks() -> Iterator[None]:
    forget_verified_keys()
    yield
    forget_verified_keys()


# Each kind of stored value, made alone, sealed or hashed with the keys configured now.


def _clinician() -> Clinician:
    clinician, _ = Clinician.objects.get_or_create(
        slug="ada-fern",
        defaults={"name": "Ada Fern", "credentials": "LCSW", "license_number": "LCSW-555-0102"},
    )
    return clinician


def _client() -> Client:
    return Client.objects.create(clinician=_clinician(), display_name="Sam R.")


def _note() -> None:
    note = ClinicalNote(client=_client(), kind="psychotherapy", template="free")
    note.sections = {"text": "Spoke of the move."}
    note.save()


def _note_sealed_before_notes_were_bound() -> None:
    _note()
    note = ClinicalNote.objects.get()
    legacy = seal(
        json.dumps({"text": "Spoke of the move."}),
        context=f"clients.clinicalnote:{note.uid}:body",
        keyring=keyring(),
    )
    ClinicalNote.objects.filter(pk=note.pk).update(body_sealed=legacy)


def _request_note() -> None:
    request = ConsultationRequest(clinician=_clinician(), name="R", email="r@example.org")
    request.note = "Nights are hard."
    request.save()


def _document() -> None:
    document = Document(client=_client(), title="Consent", content_type="text/plain", size=5)
    document.data = b"agree"
    document.save()


def _second_factor_secret() -> None:
    user = User.objects.create_user("ada", "ada@example.org", "ada-password-123")
    secret = mfa_secret_seal("JBSWY3DPEHPK3PXP")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})


def _audit_event() -> None:
    AuditEvent.objects.create(
        actor_name="system", action="view", target_type="client", target_uid=uuid.uuid4()
    )


STORED = [
    pytest.param(_note, id="note"),
    pytest.param(_note_sealed_before_notes_were_bound, id="note sealed before binding"),
    pytest.param(_request_note, id="consultation request note"),
    pytest.param(_document, id="document"),
    pytest.param(_second_factor_secret, id="second-factor secret"),
    pytest.param(_audit_event, id="audit event"),
]


def _stored_under_k1_without_checks(settings: Settings, store: Callable[[], None]) -> str:
    """Store a value under key k1, then lose the checks, as on an install upgraded to them."""
    right = _key("k1")
    settings.DATA_KEYS = right
    store()
    DataKeyCheck.objects.all().delete()
    forget_verified_keys()
    return right


@pytest.mark.parametrize("store", STORED)
def test_a_first_seen_key_that_opens_nothing_stored_under_its_id_is_refused(
    settings: Settings, store: Callable[[], None]
) -> None:
    _stored_under_k1_without_checks(settings, store)
    settings.DATA_KEYS = _key("k1")  # the right id, other bytes
    requests = ConsultationRequest.objects.count()

    with pytest.raises(DataKeyMismatchError, match="key 'k1' does not match") as refused:
        keyring()
    with pytest.raises(DataKeyMismatchError):
        _request_note()

    assert refused.value.key_id == "k1"
    assert ConsultationRequest.objects.count() == requests
    assert not DataKeyCheck.objects.exists()
    assert [e.id for e in data_keys_match_their_checks()] == ["keys.E001"]


@pytest.mark.parametrize("store", STORED)
def test_a_first_seen_key_that_opens_what_is_stored_under_its_id_has_its_check_recorded(
    settings: Settings, store: Callable[[], None]
) -> None:
    right = _stored_under_k1_without_checks(settings, store)
    # A new key put first beside it has nothing stored under it yet.
    settings.DATA_KEYS = f"{_key('k2')},{right}"
    assert data_keys_match_their_checks() == []

    keyring()

    assert sorted(DataKeyCheck.objects.values_list("key_id", flat=True)) == ["k1", "k2"]


def test_values_under_other_key_ids_do_not_count_for_a_new_key(settings: Settings) -> None:
    _stored_under_k1_without_checks(settings, _note)
    settings.DATA_KEYS = _key("k2")
    keyring()
    assert list(DataKeyCheck.objects.values_list("key_id", flat=True)) == ["k2"]


def test_the_audit_chain_is_hashed_only_with_the_verified_keyring(settings: Settings) -> None:
    settings.DATA_KEYS = _key("k1")
    _audit_event()
    forget_verified_keys()
    settings.DATA_KEYS = _key("k1")

    with pytest.raises(DataKeyMismatchError, match="key 'k1'"):
        _audit_event()
    with pytest.raises(DataKeyMismatchError, match="key 'k1'"):
        audit_chain_verify(now=dt.datetime.now(dt.UTC))

    assert AuditEvent.objects.count() == 1
