"""Clients, sealed notes, amendments, exports, retention and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.clients import services
from confide.clients.models import Client, ClinicalNote, ConsultationRequest, NoteAmendment
from confide.clients.services import ClientError, PersonDetails
from confide.clients.testing import sign_ready
from confide.lib.crypto import DecryptionError, key_id_of
from confide.practice.models import Clinician

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 15, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def client_(demo: None) -> Client:
    return services.client_create(
        kind=Client.Kind.COUPLE,
        people=[PersonDetails(name="Sam", phone="(212) 555-0120"), PersonDetails(name="Lee")],
        display_name="",
        clinician_id=Clinician.objects.get().pk,
        actor=User.objects.get(username="therapist"),
        request=None,
    )


@pytest.fixture
def therapist(demo: None) -> User:
    return User.objects.get(username="therapist")


def test_a_couple_has_both_partners_and_a_joined_name(client_: Client) -> None:
    assert client_.display_name == "Sam and Lee"
    assert [p.name for p in client_.people.all()] == ["Sam", "Lee"]


@pytest.mark.parametrize(
    ("kind", "people", "message"),
    [
        (Client.Kind.COUPLE, [PersonDetails(name="Sam")], "both partners"),
        (Client.Kind.INDIVIDUAL, [PersonDetails(name=" ")], "client's name"),
        (
            Client.Kind.INDIVIDUAL,
            [PersonDetails(name="A"), PersonDetails(name="B")],
            "client's name",
        ),
    ],
)
def test_a_client_needs_the_right_people(
    demo: None, therapist: User, kind: str, people: list[PersonDetails], message: str
) -> None:
    with pytest.raises(ClientError, match=message):
        services.client_create(
            kind=kind, people=people, display_name="", clinician_id=Clinician.objects.get().pk,
            actor=therapist, request=None,
        )  # fmt: skip
    assert not Client.objects.exists()


def test_accepting_a_request_marks_it_and_keeps_its_wishes(demo: None, therapist: User) -> None:
    request = ConsultationRequest(
        clinician=Clinician.objects.get(), name="Ari", phone="(212) 555-0130", may_text=True,
        time_zone="America/Chicago",
    )  # fmt: skip
    request.safe_times = "after 6"
    request.save()
    details = services.person_details_from_request(request)
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[details],
        display_name="Ari",
        clinician_id=request.clinician_id,
        actor=therapist,
        request=None,
        consultation=request,
    )
    request.refresh_from_db()
    assert request.status == ConsultationRequest.Status.CLIENT
    person = client.people.get()
    assert (person.may_text, person.safe_times, person.time_zone) == (
        True,
        "after 6",
        "America/Chicago",
    )


@pytest.mark.parametrize("template", ["soap", "dap", "birp", "free"])
def test_notes_are_sealed_per_template_and_read_back(
    client_: Client, therapist: User, template: str
) -> None:
    names = [name for name, _ in ClinicalNote.SECTIONS[template]]
    note = services.note_create(
        client=client_, kind="progress", template=template,
        sections={n: f"text of {n}" for n in names}, author=therapist, request=None,
    )  # fmt: skip
    stored = ClinicalNote.objects.filter(pk=note.pk).values_list("body_sealed", flat=True).get()
    assert "text of" not in stored
    assert key_id_of(stored)
    assert ClinicalNote.objects.get(pk=note.pk).sections == {n: f"text of {n}" for n in names}


def test_signing_locks_and_amendments_keep_the_history(client_: Client, therapist: User) -> None:
    note = services.note_create(
        client=client_,
        kind="progress",
        template="dap",
        sections={"data": "first"},
        author=therapist,
        request=None,
    )
    services.note_update(note=note, sections={"data": "second"}, actor=therapist, request=None)
    services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    with pytest.raises(ClientError, match="signed and locked"):
        services.note_update(note=note, sections={"data": "third"}, actor=therapist, request=None)
    with pytest.raises(ClientError, match="already signed"):
        services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)
    services.note_amend(
        note=note, text="Correction: it was Tuesday.", actor=therapist, request=None
    )
    services.note_amend(note=note, text="And a second one.", actor=therapist, request=None)
    note.refresh_from_db()
    assert note.sections["data"] == "second"
    assert [a.text for a in note.amendments.all()] == [
        "Correction: it was Tuesday.",
        "And a second one.",
    ]
    actions = list(
        AuditEvent.objects.filter(target_uid=note.uid)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "change", "sign", "amend", "amend"]


def test_drafts_are_changed_not_amended_and_empty_notes_are_not_signed(
    client_: Client, therapist: User
) -> None:
    note = services.note_create(
        client=client_,
        kind="progress",
        template="soap",
        sections={},
        author=therapist,
        request=None,
    )
    with pytest.raises(ClientError, match="amendments are for signed notes"):
        services.note_amend(note=note, text="x", actor=therapist, request=None)
    with pytest.raises(ClientError, match="empty note"):
        services.note_sign(note=sign_ready(note), actor=therapist, request=None, now=NOW)


def test_a_sealed_note_moved_to_another_row_does_not_open(client_: Client, therapist: User) -> None:
    a = services.note_create(
        client=client_,
        kind="progress",
        template="free",
        sections={"text": "mine"},
        author=therapist,
        request=None,
    )
    b = services.note_create(
        client=client_,
        kind="progress",
        template="free",
        sections={"text": "other"},
        author=therapist,
        request=None,
    )
    ClinicalNote.objects.filter(pk=b.pk).update(body_sealed=a.body_sealed)
    with pytest.raises(DecryptionError):
        ClinicalNote.objects.get(pk=b.pk).sections  # noqa: B018


def test_a_tampered_note_raises_instead_of_showing_text(client_: Client, therapist: User) -> None:
    note = services.note_create(
        client=client_,
        kind="progress",
        template="free",
        sections={"text": "mine"},
        author=therapist,
        request=None,
    )
    sealed = note.body_sealed
    ClinicalNote.objects.filter(pk=note.pk).update(
        body_sealed=sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    )
    with pytest.raises(DecryptionError):
        ClinicalNote.objects.get(pk=note.pk).sections  # noqa: B018


def test_exports_leave_out_psychotherapy_notes_unless_asked(
    client_: Client, therapist: User
) -> None:
    services.note_create(
        client=client_,
        kind="progress",
        template="free",
        sections={"text": "progress text"},
        author=therapist,
        request=None,
    )
    services.note_create(
        client=client_,
        kind="psychotherapy",
        template="free",
        sections={"text": "process text"},
        author=therapist,
        request=None,
    )
    plain = services.client_export(
        client=client_, appointments=[], include_psychotherapy_notes=False, actor=therapist,
        request=None, now=timezone.now(),
    )  # fmt: skip
    full = services.client_export(
        client=client_, appointments=[], include_psychotherapy_notes=True, actor=therapist,
        request=None, now=timezone.now(),
    )  # fmt: skip
    assert [n["kind"] for n in plain["notes"]] == ["progress"]
    assert sorted(n["kind"] for n in full["notes"]) == ["progress", "psychotherapy"]
    assert [p["name"] for p in plain["people"]] == ["Sam", "Lee"]
    summaries = list(AuditEvent.objects.filter(action="export").values_list("summary", flat=True))
    assert sorted(summaries) == ["export", "export with psychotherapy notes"]


def test_anonymizing_waits_for_retention_then_removes_identity_and_text(
    client_: Client, therapist: User
) -> None:
    services.note_create(
        client=client_,
        kind="progress",
        template="free",
        sections={"text": "t"},
        author=therapist,
        request=None,
    )
    with pytest.raises(ClientError, match="retention"):
        services.client_anonymize(
            client=client_, actor=therapist, request=None, now=NOW, retention_years=7
        )
    services.client_set_status(
        client=client_, status="discharged", actor=therapist, request=None, now=NOW
    )
    with pytest.raises(ClientError, match="retention"):
        services.client_anonymize(
            client=client_,
            actor=therapist,
            request=None,
            now=NOW + dt.timedelta(days=365 * 6),
            retention_years=7,
        )
    later = NOW + dt.timedelta(days=365 * 7 + 2)
    services.client_anonymize(
        client=client_, actor=therapist, request=None, now=later, retention_years=7
    )
    client_.refresh_from_db()
    assert client_.anonymized_at == later
    assert "Sam" not in client_.display_name
    assert not client_.people.exists()
    assert not ClinicalNote.objects.exists()
    assert not NoteAmendment.objects.exists()
    assert AuditEvent.objects.filter(client_uid=client_.uid, action="anonymize").exists()


def test_every_read_and_change_is_audited_with_who_and_what(
    client_: Client, therapist: User
) -> None:
    services.client_record_viewed(client=client_, actor=therapist, request=None)
    services.client_set_status(
        client=client_, status="active", actor=therapist, request=None, now=NOW
    )
    events = list(AuditEvent.objects.filter(client_uid=client_.uid).order_by("pk"))
    assert [e.action for e in events] == ["create", "view", "change"]
    assert {e.actor_name for e in events} == {"therapist"}


def test_the_audit_log_cannot_be_changed_or_deleted_by_the_application(client_: Client) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.summary = "edited"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(summary="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_rewrite_the_audit_log(client_: Client) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten'")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.exclude(summary="rewritten").count() == AuditEvent.objects.count()
