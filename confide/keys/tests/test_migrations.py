"""The data migrations that seal or hash verify the keys first, as an upgrade runs them."""

from __future__ import annotations

import base64
import importlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pytest_django.fixtures import Settings

from confide.clients.models import Client, ClinicalNote, ConsultationRequest
from confide.keys.models import DataKeyCheck
from confide.keys.ring import DataKeyMismatchError, forget_verified_keys
from confide.lib.crypto import DecryptionError, Keyring, key_check, new_key
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_SEALED_WISHES = [("clients", "0005_documents")]
SEALED_WISHES = [("clients", "0007_seal_wishes_and_bind_notes")]
BEFORE_CHAIN = [("audit", "0002_append_only")]
CHAINED = [("audit", "0004_chain_existing_events")]


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to ``targets`` and return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def right(settings: Settings) -> Iterator[str]:
    """Key k1 as first used; with it, the database goes back to the latest migrations after."""
    settings.DATA_KEYS = right = _key("k1")
    forget_verified_keys()
    yield right
    settings.DATA_KEYS = right
    forget_verified_keys()
    _migrate_to_latest()


@pytest.fixture
def stored(right: str) -> None:
    """Two notes, and a request's note and preferred times, sealed under key k1."""
    clinician = Clinician.objects.create(
        name="Ada Fern", slug="ada-fern", credentials="LCSW", license_number="LCSW-555-0102"
    )
    client = Client.objects.create(clinician=clinician, display_name="Jo")
    for text in ("Spoke of the move.", "Slept better."):
        note = ClinicalNote(client=client, kind="progress", template="free")
        note.sections = {"text": text}
        note.save()
    request = ConsultationRequest(clinician=clinician, name="R", email="r@example.org")
    request.note = "Nights are hard."
    request.preferred_times = "Tuesday evenings"
    request.save()


def _upgrading_from_before_key_checks() -> Any:
    """Go back to before the wishes were sealed and drop the checks, as on an older install."""
    old = _migrate(BEFORE_SEALED_WISHES)
    DataKeyCheck.objects.all().delete()
    forget_verified_keys()
    return old


def _plain_times(old: Any) -> list[str]:
    requests = old.get_model("clients", "ConsultationRequest").objects
    return list(requests.values_list("preferred_times", flat=True))


@pytest.mark.usefixtures("stored")
def test_the_upgrade_refuses_a_wrong_key_under_the_right_id_and_seals_nothing(
    settings: Settings,
) -> None:
    _upgrading_from_before_key_checks()
    settings.DATA_KEYS = _key("k1")

    with pytest.raises(DataKeyMismatchError, match="key 'k1' does not match"):
        _migrate(SEALED_WISHES)

    state = [("clients", "0006_key_checks_and_sealed_columns")]
    requests = MigrationExecutor(connection).loader.project_state(state).apps
    sealed = requests.get_model("clients", "ConsultationRequest").objects
    assert list(sealed.values_list("preferred_times", "preferred_times_sealed")) == [
        ("Tuesday evenings", "")
    ]
    assert not DataKeyCheck.objects.exists()


@pytest.mark.usefixtures("stored")
def test_the_upgrade_with_the_right_key_records_its_check_and_seals() -> None:
    old = _upgrading_from_before_key_checks()
    assert _plain_times(old) == ["Tuesday evenings"]

    _migrate(SEALED_WISHES)

    assert list(DataKeyCheck.objects.values_list("key_id", flat=True)) == ["k1"]
    # Read with today's models, which need today's columns.
    _migrate_to_latest()
    assert ConsultationRequest.objects.get().preferred_times == "Tuesday evenings"
    texts = sorted(note.sections["text"] for note in ClinicalNote.objects.all())
    assert texts == ["Slept better.", "Spoke of the move."]


@pytest.mark.usefixtures("stored")
def test_the_upgrade_stops_at_a_note_that_does_not_open_with_its_configured_key() -> None:
    old = _upgrading_from_before_key_checks()
    notes = old.get_model("clients", "ClinicalNote").objects
    first, second = notes.order_by("pk")
    # One note's value copied onto another: the copy does not open as the other's text.
    notes.filter(pk=second.pk).update(body_sealed=first.body_sealed)

    with pytest.raises(DecryptionError, match=f"{second.uid}.*nothing was changed"):
        _migrate(SEALED_WISHES)

    assert notes.get(pk=first.pk).body_sealed == first.body_sealed
    assert _plain_times(old) == ["Tuesday evenings"]
    notes.filter(pk=second.pk).update(body_sealed=second.body_sealed)
    _migrate(SEALED_WISHES)
    _migrate_to_latest()
    bodies = [json.loads(n._body)["text"] for n in ClinicalNote.objects.order_by("pk")]
    assert bodies == ["Spoke of the move.", "Slept better."]


@pytest.mark.usefixtures("stored")
def test_the_second_factor_migration_refuses_a_wrong_key_and_leaves_secrets_plain(
    settings: Settings, right: str
) -> None:
    migration = importlib.import_module("confide.accounts.migrations.0004_seal_mfa_secrets")
    user = User.objects.create_user("ada", "ada@example.org", "ada-password-123")
    totp = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    DataKeyCheck.objects.all().delete()
    settings.DATA_KEYS = _key("k1")

    with pytest.raises(DataKeyMismatchError, match="key 'k1'"):
        migration.secrets_seal(apps, None)
    totp.refresh_from_db()
    assert totp.data == {"secret": "JBSWY3DPEHPK3PXP"}

    settings.DATA_KEYS = right
    migration.secrets_seal(apps, None)
    totp.refresh_from_db()
    assert totp.data["secret"].startswith("v1.k1.")
    assert list(DataKeyCheck.objects.values_list("key_id", flat=True)) == ["k1"]


def test_the_audit_migration_refuses_a_wrong_key_and_chains_nothing(
    settings: Settings, right: str
) -> None:
    DataKeyCheck.objects.create(key_id="k1", check_value=key_check(Keyring.parse(right), "k1"))
    old = _migrate(BEFORE_CHAIN)
    events = old.get_model("audit", "AuditEvent").objects
    for n in range(2):
        events.create(
            actor_name="therapist", action="view", target_type="client",
            target_uid=uuid.uuid4(), summary=f"record opened {n}",
        )  # fmt: skip
    settings.DATA_KEYS = _key("k1")

    with pytest.raises(DataKeyMismatchError, match="key 'k1'"):
        _migrate(CHAINED)

    chained = _migrate([("audit", "0003_chain_fields")]).get_model("audit", "AuditEvent")
    assert list(chained.objects.values_list("sequence", "hash")) == [(None, ""), (None, "")]
    settings.DATA_KEYS = right
    chained = _migrate(CHAINED).get_model("audit", "AuditEvent")
    assert sorted(chained.objects.values_list("sequence", "key_id")) == [(1, "k1"), (2, "k1")]
