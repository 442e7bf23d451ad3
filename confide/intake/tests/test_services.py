"""Versions, packets, the ESIGN consent, signing into a frozen PDF, progress and answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from pypdf import PdfReader

from confide.billing.documents import to_latin1
from confide.clients.models import Client, Person
from confide.intake import services, texts
from confide.intake.models import (
    Answer,
    DocumentVersion,
    IntakeDocument,
    PacketItem,
    Signature,
)
from confide.intake.pdf import blocks_of
from confide.intake.services import SigningError
from confide.intake.tests.conftest import NOW
from confide.lib.crypto import DecryptionError

pytestmark = pytest.mark.django_db
Kind = IntakeDocument.Kind

RELEASE = texts.ReleaseDetails(
    information="Dates of sessions and a summary of treatment since January 2026",
    discloser="Hannah Brenner, LCSW",
    recipient="Dr. Kim Example, 12 Example Street, New York, NY (555-0142)",
    purpose="Coordinating care with my physician",
    expires="December 31, 2027",
)


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def _raw_row(model: type[Any], pk: int) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return repr(cursor.fetchone())


def _sign(person: Person, kind: str, **kwargs: Any) -> Signature:
    services.esign_consent_record(person=person, address="203.0.113.7", now=NOW)
    version = IntakeDocument.objects.get(kind=kind).current_version()
    assert version is not None
    return services.document_sign(
        person=person,
        version=version,
        typed_name=kwargs.pop("typed_name", "Sam Rivera"),
        intent=kwargs.pop("intent", True),
        address="203.0.113.7",
        now=NOW,
        **kwargs,
    )


# -- Versions ----------------------------------------------------------------------------------


def test_the_demo_ships_a_first_version_of_every_document(demo: None) -> None:
    for document in IntakeDocument.objects.all():
        assert document.current_version() is not None, document.kind
    assert set(IntakeDocument.objects.values_list("kind", flat=True)) == set(Kind.values)


def test_editing_a_document_adds_a_version_and_keeps_the_old_one(demo: None) -> None:
    first = IntakeDocument.objects.get(kind=Kind.CONSENT).current_version()
    assert first is not None
    second = services.version_save(
        kind=Kind.CONSENT, title=first.title, body=first.body + "\n\nA new paragraph.", actor=None
    )
    assert second.number == first.number + 1
    assert IntakeDocument.objects.get(kind=Kind.CONSENT).current_version() == second
    first.refresh_from_db()
    assert "A new paragraph" not in first.body


def test_saving_the_same_words_again_adds_no_version(demo: None) -> None:
    first = IntakeDocument.objects.get(kind=Kind.TELEHEALTH).current_version()
    assert first is not None
    again = services.version_save(
        kind=Kind.TELEHEALTH, title=first.title, body=first.body, actor=None
    )
    assert again == first


def test_a_version_is_never_changed_once_saved(demo: None) -> None:
    version = IntakeDocument.objects.get(kind=Kind.CONSENT).current_version()
    assert version is not None
    version.body = "Something else"
    with pytest.raises(ValidationError):
        version.save()
    assert "Something else" not in DocumentVersion.objects.get(pk=version.pk).body


def test_a_signed_version_stays_what_was_signed_after_an_edit(person: Person) -> None:
    services.packet_send(
        client=person.client, people=[person], items=[Kind.CONSENT], actor=None, now=NOW
    )
    signature = _sign(person, Kind.CONSENT)
    signed_body = signature.version.body
    services.version_save(kind=Kind.CONSENT, title="Consent", body="New words.", actor=None)
    signature.refresh_from_db()
    assert signature.version.body == signed_body
    assert "New words" not in _pdf_text(signature.pdf)


# -- Packets -----------------------------------------------------------------------------------


def test_the_default_packet_leaves_the_couples_policy_and_releases_out_for_an_individual(
    person: Person,
) -> None:
    sent = services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    assert {item.document.kind for item in sent} == {
        Kind.CONSENT,
        Kind.PRIVACY,
        Kind.TELEHEALTH,
        Kind.FINANCIAL,
    }


def test_a_couple_gets_the_couples_policy_each(couple: Client) -> None:
    sent = services.packet_send(client=couple, people=couple.people.all(), actor=None, now=NOW)
    for person in couple.people.all():
        kinds = {item.document.kind for item in sent if item.person == person}
        assert Kind.COUPLES in kinds


def test_sending_again_does_not_duplicate_what_still_waits(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    again = services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    assert again == []
    assert PacketItem.objects.filter(person=person).count() == 4


def test_a_document_without_text_cannot_be_sent(person: Person) -> None:
    DocumentVersion.objects.filter(document__kind=Kind.TELEHEALTH).delete()
    with pytest.raises(ValidationError, match="no text yet"):
        services.packet_send(
            client=person.client, people=[person], items=[Kind.TELEHEALTH], actor=None, now=NOW
        )


def test_someone_elses_person_cannot_be_sent_paperwork(person: Person, couple: Client) -> None:
    with pytest.raises(ValidationError):
        services.packet_send(client=couple, people=[person], actor=None, now=NOW)


def test_packet_progress_says_what_is_signed_and_missing_per_person(couple: Client) -> None:
    alex, jordan = couple.people.all()
    services.packet_send(client=couple, people=[alex, jordan], actor=None, now=NOW)
    _sign(alex, Kind.CONSENT, typed_name="Alex Moreno")
    progress = {row.person: row for row in services.packet_progress(couple)}
    assert [row.item.document.kind for row in progress[alex].signed] == [Kind.CONSENT]
    assert len(progress[alex].missing) == 4
    assert progress[jordan].signed == []
    assert len(progress[jordan].missing) == 5
    assert list(services.outstanding(Client.objects.all())) == [couple]


def test_progress_says_who_signs_on_paper_after_withdrawing_consent(couple: Client) -> None:
    alex, jordan = couple.people.all()
    services.packet_send(client=couple, people=[alex, jordan], actor=None, now=NOW)
    services.esign_consent_record(person=alex, address=None, now=NOW)
    services.esign_consent_record(person=jordan, address=None, now=NOW)
    withdrawn = NOW + dt.timedelta(days=1)
    services.esign_consent_withdraw(person=alex, now=withdrawn)
    progress = {row.person: row for row in services.packet_progress(couple)}
    assert progress[alex].paper_since == withdrawn
    assert progress[jordan].paper_since is None
    # Given again, the consent is in force and paper is no longer the way.
    services.esign_consent_record(person=alex, address=None, now=NOW + dt.timedelta(days=2))
    progress = {row.person: row for row in services.packet_progress(couple)}
    assert progress[alex].paper_since is None


def test_a_client_with_everything_signed_is_not_outstanding(person: Person) -> None:
    services.packet_send(
        client=person.client, people=[person], items=[Kind.CONSENT], actor=None, now=NOW
    )
    _sign(person, Kind.CONSENT)
    assert list(services.outstanding(Client.objects.all())) == []


# -- Releases ----------------------------------------------------------------------------------


def test_a_release_needs_every_particular(person: Person) -> None:
    partial = texts.ReleaseDetails(**{**RELEASE.__dict__, "expires": " "})
    with pytest.raises(ValidationError, match="This authorization expires"):
        services.packet_send(
            client=person.client,
            people=[person],
            items=[Kind.RELEASE],
            release=partial,
            actor=None,
            now=NOW,
        )


def test_a_release_of_psychotherapy_notes_is_never_combined(person: Person) -> None:
    for items in ([Kind.RELEASE_NOTES, Kind.CONSENT], [Kind.RELEASE_NOTES, Kind.RELEASE]):
        with pytest.raises(ValidationError, match="never combined"):
            services.packet_send(
                client=person.client,
                people=[person],
                items=items,
                release=RELEASE,
                actor=None,
                now=NOW,
            )
    notes_in_general = texts.ReleaseDetails(
        **{**RELEASE.__dict__, "information": "My psychotherapy notes and my diagnosis"}
    )
    with pytest.raises(ValidationError, match="on their own form"):
        services.packet_send(
            client=person.client,
            people=[person],
            items=[Kind.RELEASE],
            release=notes_in_general,
            actor=None,
            now=NOW,
        )
    assert not PacketItem.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("representative", "signer"),
    [
        ("", "Sam Rivera"),
        ("Robin Example, health care agent under Sam Rivera's health care proxy", "Robin Example"),
    ],
    ids=["the-person-signs", "a-representative-signs"],
)
def test_a_signed_release_holds_every_element_the_privacy_rule_requires(
    person: Person, representative: str, signer: str
) -> None:
    release = dataclasses.replace(RELEASE, representative=representative)
    (item,) = services.packet_send(
        client=person.client,
        people=[person],
        items=[Kind.RELEASE],
        release=release,
        actor=None,
        now=NOW,
    )
    raw = _raw_row(PacketItem, item.pk)
    assert RELEASE.recipient not in raw  # particulars stay sealed
    assert "health care" not in raw
    text = _pdf_text(_sign(person, Kind.RELEASE, typed_name=signer).pdf)
    for label, value in release.rows():  # (c)(1)(i)-(v), and (vi)'s authority when given
        assert label in text, label
        assert " ".join(value.split()) in text, label
    # (c)(1)(vi): a representative's authority to act for the person, only when one signs.
    if representative:
        assert f"{texts.REPRESENTATIVE_LABEL} {representative}" in text
    else:
        assert texts.REPRESENTATIVE_LABEL not in text
    assert f"Signature (typed name) {signer}" in text  # (c)(1)(vi), with the date below
    assert "Signed November 30, 2026" in text
    assert "revoke this authorization at any time by writing to" in text  # (c)(2)(i)
    assert "is not conditioned on whether you sign" in text  # (c)(2)(ii)
    assert "may be redisclosed" in text  # (c)(2)(iii)


# -- Signing -----------------------------------------------------------------------------------


def test_a_first_signature_needs_the_esign_consent(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    version = IntakeDocument.objects.get(kind=Kind.CONSENT).current_version()
    assert version is not None
    with pytest.raises(SigningError, match="how signing here works"):
        services.document_sign(
            person=person, version=version, typed_name="Sam", intent=True, address=None, now=NOW
        )
    assert not Signature.objects.exists()
    consent = services.esign_consent_record(person=person, address="203.0.113.7", now=NOW)
    again = services.esign_consent_record(
        person=person, address="198.51.100.1", now=NOW + dt.timedelta(days=1)
    )
    assert again.pk == consent.pk  # recorded once
    assert again.consented_at == NOW
    assert consent.disclosure_version == texts.DISCLOSURE_VERSION
    services.document_sign(
        person=person, version=version, typed_name="Sam", intent=True, address=None, now=NOW
    )


@pytest.mark.parametrize(
    ("typed_name", "intent", "message"),
    [
        ("", True, "Type your full name"),
        (" S ", True, "Type your full name"),
        ("Sam Rivera", False, "Tick the box"),
    ],
)
def test_signing_needs_a_typed_name_and_the_intent(
    person: Person, typed_name: str, intent: bool, message: str
) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    with pytest.raises(SigningError, match=message):
        _sign(person, Kind.CONSENT, typed_name=typed_name, intent=intent)


def test_only_the_current_version_of_something_sent_can_be_signed(person: Person) -> None:
    old = IntakeDocument.objects.get(kind=Kind.CONSENT).current_version()
    assert old is not None
    services.esign_consent_record(person=person, address=None, now=NOW)
    with pytest.raises(SigningError, match="nothing of this document"):
        services.document_sign(
            person=person, version=old, typed_name="Sam", intent=True, address=None, now=NOW
        )
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    services.version_save(kind=Kind.CONSENT, title="Consent", body="Changed.", actor=None)
    with pytest.raises(SigningError, match="has changed"):
        services.document_sign(
            person=person, version=old, typed_name="Sam", intent=True, address=None, now=NOW
        )


def test_a_document_is_signed_once(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    _sign(person, Kind.CONSENT)
    with pytest.raises(SigningError, match="nothing of this document"):
        _sign(person, Kind.CONSENT)


def test_the_frozen_pdf_shows_what_was_shown_and_matches_its_hash(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    signature = _sign(person, Kind.FINANCIAL)
    data = signature.pdf
    assert hashlib.sha256(data).hexdigest() == signature.sha256
    text = _pdf_text(data)
    shown = blocks_of(signature.version.body_html)
    assert len(shown) > 5
    position = 0
    for block in shown:
        expected = " ".join(to_latin1(block.text).split())
        found = text.find(expected, position)
        assert found >= 0, expected  # every block, whole and in the order shown
        position = found + len(expected)
    assert signature.version.title in text
    assert services.INTENT in text
    assert "From internet address 203.0.113.7" in text
    stored = Signature.objects.get(pk=signature.pk)
    assert (stored.typed_name, stored.address, stored.signed_at) == (
        "Sam Rivera",
        "203.0.113.7",
        NOW,
    )
    assert stored.person == person


def test_the_signed_pdf_is_sealed_at_rest_and_bound_to_its_row(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    first = _sign(person, Kind.CONSENT)
    second = _sign(person, Kind.TELEHEALTH)
    assert first.pdf.startswith(b"%PDF")
    assert b"%PDF" not in _raw_row(Signature, first.pk).encode()
    Signature.objects.filter(pk=second.pk).update(pdf_sealed=first.pdf_sealed)
    with pytest.raises(DecryptionError):
        _ = Signature.objects.get(pk=second.pk).pdf


def test_a_person_downloads_only_their_own_signatures(couple: Client) -> None:
    alex, jordan = couple.people.all()
    services.packet_send(client=couple, people=[alex, jordan], actor=None, now=NOW)
    signed = _sign(alex, Kind.CONSENT, typed_name="Alex Moreno")
    assert services.signatures_of(alex) == [signed]
    assert services.signatures_of(jordan) == []


# -- The questionnaire -------------------------------------------------------------------------


def test_answers_are_stored_sealed_and_read_back(person: Person) -> None:
    services.answers_save(
        person=person,
        data={
            "legal_name": "Samuel Rivera",
            "date_of_birth": dt.date(1990, 4, 17),
            "reason": "I keep feeling ashamed after talking to my mother",
            "medications": "",
            "medications_skip": True,
        },
    )
    given = services.answers_of(person)
    assert given["legal_name"] == services.Given("Samuel Rivera")
    assert given["date_of_birth"] == services.Given("1990-04-17")
    assert given["medications"] == services.Given("", skipped=True)
    for answer in Answer.objects.filter(person=person):
        row = _raw_row(Answer, answer.pk)
        for phrase in ("Samuel", "ashamed", "1990"):
            assert phrase not in row


def test_an_answer_moved_to_another_question_does_not_open(person: Person) -> None:
    services.answers_save(person=person, data={"reason": "grief", "physician": "Dr. Example"})
    reason = Answer.objects.get(person=person, question="reason")
    Answer.objects.filter(person=person, question="physician").update(
        text_sealed=reason.text_sealed
    )
    with pytest.raises(DecryptionError):
        _ = Answer.objects.get(person=person, question="physician").text


def test_answers_save_as_they_go_and_can_be_taken_back(person: Person) -> None:
    services.answers_save(person=person, data={"legal_name": "Sam Rivera", "reason": "grief"})
    services.answers_save(person=person, data={"gender": "", "gender_skip": True})
    assert set(services.answers_of(person)) == {"legal_name", "reason", "gender"}
    services.answers_save(person=person, data={"reason": "", "gender": "", "gender_skip": False})
    assert set(services.answers_of(person)) == {"legal_name"}


def test_only_sensitive_questions_can_be_skipped(person: Person) -> None:
    services.answers_save(person=person, data={"legal_name": "", "legal_name_skip": True})
    assert services.answers_of(person) == {}


def test_a_withdrawn_esign_consent_stops_signing_until_given_again(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    signed = _sign(person, Kind.CONSENT)
    assert services.esign_consent_withdraw(person=person, now=NOW + dt.timedelta(days=1))
    assert not services.esign_consent_withdraw(person=person, now=NOW + dt.timedelta(days=2))
    assert services.esign_consent_of(person) is None
    version = IntakeDocument.objects.get(kind=Kind.TELEHEALTH).current_version()
    assert version is not None
    with pytest.raises(SigningError, match="how signing here works"):
        services.document_sign(
            person=person, version=version, typed_name="Sam", intent=True, address=None, now=NOW
        )
    assert Signature.objects.get(pk=signed.pk).sha256 == signed.sha256  # what was signed stays
    again = services.esign_consent_record(
        person=person, address=None, now=NOW + dt.timedelta(days=3)
    )
    assert again.consented_at == NOW + dt.timedelta(days=3)
    assert person.esign_consents.count() == 2  # the withdrawn one is kept as a record
