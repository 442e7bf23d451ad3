"""Key checks, sealed contact wishes, note text bound to its kind and state, and reseal."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

from confide.clients import services
from confide.clients.models import (
    Client,
    ClinicalNote,
    ConsultationRequest,
    NoteAmendment,
    Person,
)
from confide.clients.services import PersonDetails
from confide.clients.testing import sign_ready
from confide.keys.checks import data_keys_match_their_checks
from confide.keys.models import DataKeyCheck
from confide.keys.ring import DataKeyMismatchError, forget_verified_keys, keyring
from confide.lib.crypto import DecryptionError, key_id_of, new_key, open_sealed, seal
from confide.practice.models import Clinician
from confide.scheduling.requests import (
    ContactDetails,
    consultation_request_close,
    consultation_request_create,
)

NOW = dt.datetime(2027, 3, 15, 15, 0, tzinfo=dt.UTC)


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


@pytest.fixture(autouse=True)
def fresh_key_checks() -> Iterator[None]:
    forget_verified_keys()
    yield
    forget_verified_keys()


@pytest.fixture
def therapist(demo: None) -> User:
    return User.objects.get(username="therapist")


@pytest.fixture
def client_(therapist: User) -> Client:
    return services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Sam", phone="(212) 555-0120", safe_times="after 9 pm")],
        display_name="Sam R.",
        clinician_id=Clinician.objects.get().pk,
        actor=therapist,
        request=None,
    )


@pytest.fixture
def note(client_: Client, therapist: User) -> ClinicalNote:
    return services.note_create(
        client=client_, kind="progress", template="free", sections={"text": "Felt unseen."},
        author=therapist, request=None,
    )  # fmt: skip


# Key checks


@pytest.mark.django_db
def test_it_records_a_check_for_each_key_the_first_time_it_is_used(settings: Settings) -> None:
    settings.DATA_KEYS = f"{_key('k2')},{_key('k1')}"
    keyring()
    assert sorted(DataKeyCheck.objects.values_list("key_id", flat=True)) == ["k1", "k2"]


@pytest.mark.django_db
def test_it_refuses_a_key_whose_bytes_differ_and_names_its_id(settings: Settings) -> None:
    settings.DATA_KEYS = _key("k1")
    keyring()
    settings.DATA_KEYS = _key("k1")
    with pytest.raises(DataKeyMismatchError, match="key 'k1' does not match"):
        keyring()


def test_sealing_with_a_mismatched_key_raises_and_writes_nothing(
    settings: Settings, client_: Client, therapist: User
) -> None:
    settings.DATA_KEYS = _key("k1")
    keyring()
    settings.DATA_KEYS = _key("k1")
    forget_verified_keys()
    with pytest.raises(DataKeyMismatchError):
        services.note_create(
            client=client_, kind="progress", template="free", sections={"text": "lost"},
            author=therapist, request=None,
        )  # fmt: skip
    assert not ClinicalNote.objects.exists()


@pytest.mark.django_db
def test_the_system_check_names_a_mismatched_key(settings: Settings) -> None:
    settings.DATA_KEYS = f"{_key('k2')},{_key('k1')}"
    keyring()
    assert data_keys_match_their_checks() == []
    settings.DATA_KEYS = f"{settings.DATA_KEYS.split(',')[0]},{_key('k1')}"

    errors = data_keys_match_their_checks()

    assert [(e.id, type(e)) for e in errors] == [("keys.E001", Error)]
    assert "key 'k1' does not match" in errors[0].msg
    with pytest.raises(SystemCheckError, match="key 'k1' does not match"):
        call_command("check")


@pytest.mark.django_db
def test_the_system_check_passes_while_the_database_cannot_be_read(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_table(*args: object, **kwargs: object) -> None:
        raise DatabaseError("no such table: clients_datakeycheck")

    monkeypatch.setattr(DataKeyCheck.objects, "filter", no_table)
    assert data_keys_match_their_checks() == []


# Sealed contact wishes


def _raw_row(model: type[Any], pk: int) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return repr(cursor.fetchone())


def test_safe_times_preferred_times_and_close_reasons_are_stored_sealed(
    demo: None, therapist: User, client_: Client
) -> None:
    request = consultation_request_create(
        clinician=Clinician.objects.get(),
        contact=ContactDetails(name="R", email="r@example.org", safe_times="Tuesdays at noon"),
        preferred_times="Wednesday mornings",
    )
    consultation_request_close(
        consultation=request, reason="Referred on after a hard talk", actor=therapist, request=None
    )
    request = ConsultationRequest.objects.get(pk=request.pk)
    person = Person.objects.get(client=client_)

    assert (request.safe_times, request.preferred_times, request.close_reason) == (
        "Tuesdays at noon",
        "Wednesday mornings",
        "Referred on after a hard talk",
    )
    assert person.safe_times == "after 9 pm"
    row = _raw_row(ConsultationRequest, request.pk)
    for phrase in ("Tuesdays", "Wednesday", "hard talk"):
        assert phrase not in row
    assert "after 9 pm" not in _raw_row(Person, person.pk)
    assert "r@example.org" in row  # the control: contact details stay plain for search


def test_a_safe_time_moved_to_another_person_does_not_open(therapist: User) -> None:
    people = [PersonDetails(name="A", safe_times="mornings"), PersonDetails(name="B")]
    couple = services.client_create(
        kind=Client.Kind.COUPLE, people=people, display_name="", actor=therapist,
        clinician_id=Clinician.objects.get().pk, request=None,
    )  # fmt: skip
    first, second = couple.people.all()
    Person.objects.filter(pk=second.pk).update(safe_times_sealed=first.safe_times_sealed)
    with pytest.raises(DecryptionError):
        _ = Person.objects.get(pk=second.pk).safe_times


def test_the_office_shows_and_changes_a_persons_safe_times_sealed(
    client_: Client, owner: User, signed_in: Callable[..., HttpClient]
) -> None:
    person = client_.people.get()
    url = f"/office/clients/{client_.uid}/people/{person.pk}/"
    http = signed_in(owner)
    assert 'value="after 9 pm"' in http.get(url).content.decode()

    too_long = http.post(url, {"name": "Sam", "safe_times": "x" * 201})
    assert too_long.status_code == 400
    response = http.post(url, {"name": "Sam", "safe_times": "weekends only"})

    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.safe_times == "weekends only"
    assert "weekends" not in _raw_row(Person, person.pk)


# Note text bound to its kind, template, client and signed state


def _other_client(therapist: User) -> Client:
    return services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Other")], display_name="Other",
        clinician_id=Clinician.objects.get().pk, actor=therapist, request=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda t: {"kind": "psychotherapy"}, id="relabelled"),
        pytest.param(lambda t: {"template": "soap"}, id="other template"),
        pytest.param(lambda t: {"client": _other_client(t)}, id="moved to another client"),
        pytest.param(lambda t: {"signed_at": None, "signed_by": None}, id="unsigned"),
        pytest.param(lambda t: {"signed_at": NOW + dt.timedelta(days=1)}, id="signed later"),
    ],
)
def test_changing_what_a_note_is_in_the_database_stops_its_text_opening(
    note: ClinicalNote, therapist: User, change: Callable[[User], dict[str, Any]]
) -> None:
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    assert ClinicalNote.objects.get(pk=note.pk).sections == {"text": "Felt unseen."}

    ClinicalNote.objects.filter(pk=note.pk).update(**change(therapist))

    with pytest.raises(DecryptionError):
        _ = ClinicalNote.objects.get(pk=note.pk).sections


def test_signing_seals_the_text_again_bound_to_the_signed_state(
    note: ClinicalNote, therapist: User
) -> None:
    draft = note.body_sealed
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    signed = ClinicalNote.objects.get(pk=note.pk)
    assert signed.body_sealed != draft
    assert signed.sections == {"text": "Felt unseen."}
    # The draft's value, put back, does not open as the signed note's text.
    ClinicalNote.objects.filter(pk=note.pk).update(body_sealed=draft)
    with pytest.raises(DecryptionError):
        _ = ClinicalNote.objects.get(pk=note.pk).sections


def test_an_amendment_moved_to_another_note_does_not_open(
    note: ClinicalNote, client_: Client, therapist: User
) -> None:
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    other = services.note_create(
        client=client_, kind="progress", template="free", sections={"text": "Other."},
        author=therapist, request=None,
    )  # fmt: skip
    amendment = services.note_amend(
        note=note, text="Date corrected.", actor=therapist, request=None
    )
    NoteAmendment.objects.filter(pk=amendment.pk).update(note=other)
    with pytest.raises(DecryptionError):
        _ = NoteAmendment.objects.get(pk=amendment.pk).text


# Reseal


def test_reseal_with_bind_legacy_binds_values_sealed_before_notes_were_bound(
    note: ClinicalNote, therapist: User
) -> None:
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    amendment = services.note_amend(
        note=note, text="Date corrected.", actor=therapist, request=None
    )
    ring = keyring()
    legacy_body = seal(
        json.dumps({"text": "Felt unseen."}),
        context=f"clients.clinicalnote:{note.uid}:body",
        keyring=ring,
    )
    legacy_text = seal(
        "Date corrected.", context=f"clients.noteamendment:{amendment.uid}:text", keyring=ring
    )
    ClinicalNote.objects.filter(pk=note.pk).update(body_sealed=legacy_body)
    NoteAmendment.objects.filter(pk=amendment.pk).update(text_sealed=legacy_text)
    with pytest.raises(DecryptionError):
        _ = ClinicalNote.objects.get(pk=note.pk).sections

    out = StringIO()
    call_command("reseal", "--bind-legacy", stdout=out)

    assert "clinical notes (body_sealed): 1 re-sealed" in out.getvalue()
    assert ClinicalNote.objects.get(pk=note.pk).sections == {"text": "Felt unseen."}
    assert NoteAmendment.objects.get(pk=amendment.pk).text == "Date corrected."
    again = StringIO()
    call_command("reseal", stdout=again)
    assert "0 values now sealed" in again.getvalue()


def test_reseal_without_bind_legacy_does_not_bind_an_old_value_put_back_on_a_relabelled_note(
    note: ClinicalNote, therapist: User
) -> None:
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    # A value as a backup from before the upgrade holds it, put back on the note after it was
    # relabelled as a psychotherapy note in the database.
    from_backup = seal(
        json.dumps({"text": "Felt unseen."}),
        context=f"clients.clinicalnote:{note.uid}:body",
        keyring=keyring(),
    )
    ClinicalNote.objects.filter(pk=note.pk).update(kind="psychotherapy", body_sealed=from_backup)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 values did not open"):
        call_command("reseal", stdout=out, stderr=err)

    assert f"clients.ClinicalNote {note.uid}: does not open" in err.getvalue()
    assert ClinicalNote.objects.get(pk=note.pk).body_sealed == from_backup
    with pytest.raises(DecryptionError):
        _ = ClinicalNote.objects.get(pk=note.pk).sections
    # The flag is what binds it: the run after upgrading, and only then.
    call_command("reseal", "--bind-legacy", stdout=StringIO())
    assert ClinicalNote.objects.get(pk=note.pk).sections == {"text": "Felt unseen."}


def test_reseal_moves_sealed_wishes_to_the_newest_key(settings: Settings, demo: None) -> None:
    old = _key("old")
    settings.DATA_KEYS = old
    request = consultation_request_create(
        clinician=Clinician.objects.get(),
        contact=ContactDetails(name="R", email="r@example.org", safe_times="noon"),
        preferred_times="mornings",
    )
    settings.DATA_KEYS = f"{_key('new')},{old}"
    call_command("reseal", stdout=StringIO())
    settings.DATA_KEYS = settings.DATA_KEYS.split(",")[0]
    request = ConsultationRequest.objects.get(pk=request.pk)
    assert key_id_of(request.safe_times_sealed) == key_id_of(request.preferred_times_sealed)
    assert key_id_of(request.safe_times_sealed) == "new"
    assert (request.safe_times, request.preferred_times) == ("noon", "mornings")


def test_reseal_reports_values_that_do_not_open_and_moves_the_others(
    note: ClinicalNote, client_: Client, therapist: User
) -> None:
    legacy = services.note_create(
        client=client_, kind="progress", template="free", sections={"text": "Slept better."},
        author=therapist, request=None,
    )  # fmt: skip
    ClinicalNote.objects.filter(pk=legacy.pk).update(
        body_sealed=seal(
            json.dumps({"text": "Slept better."}),
            context=f"clients.clinicalnote:{legacy.uid}:body",
            keyring=keyring(),
        )
    )
    ClinicalNote.objects.filter(pk=note.pk).update(kind="psychotherapy")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 values did not open"):
        call_command("reseal", "--bind-legacy", stdout=out, stderr=err)

    assert f"clients.ClinicalNote {note.uid}: does not open" in err.getvalue()
    assert "Felt unseen" not in err.getvalue() + out.getvalue()
    assert ClinicalNote.objects.get(pk=legacy.pk).sections == {"text": "Slept better."}


# The migration that sealed the plain columns and bound the notes


@pytest.mark.django_db(transaction=True)
def test_the_migrations_seal_plain_wishes_and_bind_existing_notes_both_ways(demo: None) -> None:
    # Every app's last migration: going back in clients also undoes what depends on it elsewhere.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    therapist = User.objects.get(username="therapist")
    clinician = Clinician.objects.get()
    request = consultation_request_create(
        clinician=clinician,
        contact=ContactDetails(name="Jo", phone="(212) 555-0163", safe_times="after 6 pm"),
        preferred_times="Tuesday evenings",
    )
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Jo", safe_times="after 6 pm")],
        display_name="Jo", clinician_id=clinician.pk, actor=therapist, request=None,
    )  # fmt: skip
    note = services.note_create(
        client=client, kind="psychotherapy", template="dap",
        sections={"data": "Spoke of the move."}, author=therapist, request=None,
    )  # fmt: skip
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    services.note_amend(note=note, text="Date corrected.", actor=therapist, request=None)
    sections = ClinicalNote.objects.get(pk=note.pk).sections
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("clients", "0005_documents")])
        old = executor.loader.project_state([("clients", "0005_documents")]).apps
        # Back at 0005 the wishes are plain and the note is bound to its row and field only.
        requests = old.get_model("clients", "ConsultationRequest").objects
        jo = requests.get(pk=request.pk)
        assert (jo.safe_times, jo.preferred_times) == ("after 6 pm", "Tuesday evenings")
        old_note = old.get_model("clients", "ClinicalNote").objects.get(pk=note.pk)
        legacy = f"clients.clinicalnote:{old_note.uid}:body"
        body = open_sealed(old_note.body_sealed, context=legacy, keyring=keyring())
        assert json.loads(body) == sections
        requests.filter(pk=jo.pk).update(close_reason="Found help nearer home")
    finally:
        MigrationExecutor(connection).migrate(latest)

    jo = ConsultationRequest.objects.get(pk=request.pk)
    assert (jo.safe_times, jo.preferred_times, jo.close_reason) == (
        "after 6 pm",
        "Tuesday evenings",
        "Found help nearer home",
    )
    assert "after 6" not in _raw_row(ConsultationRequest, jo.pk)
    assert client.people.get().safe_times == "after 6 pm"
    assert ClinicalNote.objects.get(pk=note.pk).sections == sections
    assert NoteAmendment.objects.get(note=note).text == "Date corrected."
