"""The office's intake pages: editing documents, sending a packet, progress, PDFs and answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from confide.audit.models import AuditEvent
from confide.clients.models import Client, Person
from confide.intake import questions, services, texts
from confide.intake.models import Answer, DocumentVersion, IntakeDocument, PacketItem
from confide.intake.tests.conftest import NOW
from confide.office.tests.factories import therapist_user

pytestmark = pytest.mark.django_db
Kind = IntakeDocument.Kind
SignedIn = Callable[..., HttpClient]


def _signed(person: Person, kind: str) -> None:
    services.esign_consent_record(person=person, address=None, now=NOW)
    version = IntakeDocument.objects.get(kind=kind).current_version()
    assert version is not None
    services.document_sign(
        person=person, version=version, typed_name=person.name, intent=True, address=None, now=NOW
    )


def test_the_owner_saves_a_new_version_and_the_old_one_stays(
    owner: User, signed_in: SignedIn, demo: None
) -> None:
    office = signed_in(owner)
    url = reverse("office:settings_intake_document", args=[Kind.TELEHEALTH])
    page = office.get(url)
    assert page.status_code == 200
    first = IntakeDocument.objects.get(kind=Kind.TELEHEALTH).current_version()
    assert first is not None
    response = office.post(
        url, {"title": "Telehealth consent", "body": "Video sessions are private.", "save": "1"}
    )
    assert response.status_code == 302
    versions = list(DocumentVersion.objects.filter(document__kind=Kind.TELEHEALTH))
    assert [v.number for v in versions] == [first.number + 1, first.number]
    assert DocumentVersion.objects.get(pk=first.pk).body == first.body
    assert AuditEvent.objects.filter(target_type="intake_document").exists()


def test_preview_shows_the_text_without_saving(
    owner: User, signed_in: SignedIn, demo: None
) -> None:
    office = signed_in(owner)
    url = reverse("office:settings_intake_document", args=[Kind.CONSENT])
    response = office.post(
        url, {"title": "Consent", "body": "## Plain words\n\nA *new* sentence.", "preview": "1"}
    )
    assert response.status_code == 200
    assert "Preview, not saved" in response.text
    assert "<h2>Plain words</h2>" in response.text
    assert DocumentVersion.objects.filter(document__kind=Kind.CONSENT).count() == 1


def test_an_empty_text_is_refused_next_to_the_field(
    owner: User, signed_in: SignedIn, demo: None
) -> None:
    url = reverse("office:settings_intake_document", args=[Kind.CONSENT])
    response = signed_in(owner).post(url, {"title": "Consent", "body": "  ", "save": "1"})
    assert response.status_code == 400
    assert "Write the document&#x27;s text." in response.text


def test_only_the_owner_edits_the_documents(
    colleague: User, practice_manager: User, signed_in: SignedIn, demo: None
) -> None:
    for user in (colleague, practice_manager):
        assert signed_in(user).get(reverse("office:settings_intake")).status_code == 403


def test_the_default_packet_is_sent_from_the_client_page(
    individual: Client, signed_in: SignedIn
) -> None:
    office = signed_in(therapist_user())
    person = individual.people.get()
    response = office.post(
        reverse("office:intake_send", args=[individual.uid]),
        {"people": [str(person.pk)], "what": "default"},
    )
    assert response.status_code == 302
    assert PacketItem.objects.filter(person=person).count() == 4
    page = office.get(individual.get_absolute_url())
    assert "Intake paperwork" in page.text
    assert "0 of 4 signed" in page.text
    assert "not signed yet" in page.text


def test_a_release_is_sent_with_its_particulars_or_refused_with_a_message(
    individual: Client, signed_in: SignedIn
) -> None:
    office = signed_in(therapist_user())
    person = individual.people.get()
    url = reverse("office:intake_send", args=[individual.uid])
    data = {"people": [str(person.pk)], "what": "chosen", "documents": [Kind.RELEASE]}
    response = office.post(url, data, follow=True)
    assert "A release needs every particular" in response.text
    assert not PacketItem.objects.exists()
    data.update(
        information="Dates of sessions", discloser="Hannah Brenner, LCSW",
        recipient="Dr. Kim Example (555-0142)", purpose="Care", expires="December 31, 2027",
    )  # fmt: skip
    office.post(url, data)
    assert PacketItem.objects.get().document.kind == Kind.RELEASE
    page = office.get(individual.get_absolute_url())
    assert 'Release of information <span class="meta">(to Dr. Kim Example (555-0142))' in page.text


def test_the_client_page_shows_signed_and_missing_and_the_pdf_downloads(
    individual: Client, signed_in: SignedIn
) -> None:
    person = individual.people.get()
    services.packet_send(client=individual, people=[person], actor=None, now=NOW)
    _signed(person, Kind.CONSENT)
    office = signed_in(therapist_user())
    page = office.get(individual.get_absolute_url())
    assert "1 of 4 signed" in page.text
    signature = person.signatures.get()
    download = office.get(reverse("office:intake_signed", args=[signature.uid]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == signature.pdf
    assert "no-store" in download["Cache-Control"]
    assert person.name not in download["Content-Disposition"]


def test_a_practice_manager_sees_who_signed_but_not_pdfs_or_answers(
    individual: Client, practice_manager: User, signed_in: SignedIn
) -> None:
    person = individual.people.get()
    services.packet_send(client=individual, people=[person], actor=None, now=NOW)
    services.packet_send(
        client=individual, people=[person], items=[Kind.RELEASE], actor=None, now=NOW,
        release=texts.ReleaseDetails(
            information="Dates of sessions", discloser="Hannah Brenner, LCSW",
            recipient="Dr. Kim Example", purpose="Care", expires="December 31, 2027",
        ),
    )  # fmt: skip
    _signed(person, Kind.CONSENT)
    services.answers_save(person=person, data={"reason": "my mother's silence"})
    office = signed_in(practice_manager)
    page = office.get(individual.get_absolute_url())
    assert "1 of 5 signed" in page.text
    assert "Release of information" in page.text
    assert "Dr. Kim Example" not in page.text
    assert "Download the signed PDF" not in page.text
    assert "questionnaire" not in page.text
    assert "Send intake paperwork" not in page.text
    assert "(to " not in page.text
    signature = person.signatures.get()
    assert office.get(reverse("office:intake_signed", args=[signature.uid])).status_code == 403
    answers = reverse("office:intake_answers", args=[individual.uid, person.pk])
    assert office.get(answers).status_code == 403


def test_the_clinician_reads_the_answers_and_the_reading_is_audited(
    individual: Client, signed_in: SignedIn
) -> None:
    person = individual.people.get()
    services.answers_save(
        person=person,
        data={"reason": "my mother's silence", "medications": "", "medications_skip": True},
    )
    page = signed_in(therapist_user()).get(
        reverse("office:intake_answers", args=[individual.uid, person.pk])
    )
    assert "my mother&#x27;s silence" in page.text
    assert "Would rather talk about it in session" in page.text
    event = AuditEvent.objects.get(target_type="intake_answers")
    assert "silence" not in event.summary


def test_another_clinician_cannot_reach_the_signed_pdf(
    individual: Client, colleague: User, signed_in: SignedIn
) -> None:
    person = individual.people.get()
    services.packet_send(client=individual, people=[person], actor=None, now=NOW)
    _signed(person, Kind.CONSENT)
    signature = person.signatures.get()
    office = signed_in(colleague)
    assert office.get(reverse("office:intake_signed", args=[signature.uid])).status_code == 404


def test_today_lists_clients_with_paperwork_outstanding(
    individual: Client, signed_in: SignedIn
) -> None:
    person = individual.people.get()
    office = signed_in(therapist_user())
    assert "Intake paperwork not yet signed" not in office.get(reverse("office:home")).text
    services.packet_send(
        client=individual, people=[person], items=[Kind.CONSENT], actor=None, now=NOW
    )
    home = office.get(reverse("office:home"))
    assert "Intake paperwork not yet signed (1)" in home.text
    assert f"{individual.get_absolute_url()}#intake" in home.text
    _signed(person, Kind.CONSENT)
    assert "Intake paperwork not yet signed" not in office.get(reverse("office:home")).text


def test_today_shows_each_persons_progress_linking_to_their_paperwork(
    couple: Client, signed_in: SignedIn, practice_manager: User
) -> None:
    alex, jordan = couple.people.order_by("pk")
    services.packet_send(client=couple, people=[alex, jordan], actor=None, now=NOW)
    _signed(alex, Kind.CONSENT)
    _signed(alex, Kind.PRIVACY)
    services.answers_save(person=alex, data={"legal_name": "Alex Moreno"}, now=NOW)
    home = signed_in(therapist_user()).get(reverse("office:home")).text
    total = PacketItem.objects.filter(person=alex).count()
    url = couple.get_absolute_url()
    assert (
        f'<a href="{url}#intake-person-{alex.pk}">Alex Moreno</a>: 2 of {total} signed, '
        "questions not finished</li>"
    ) in home
    assert (
        f'<a href="{url}#intake-person-{jordan.pk}">Jordan Moreno</a>: 0 of {total} signed, '
        "questions not started</li>"
    ) in home
    # The client page's anchors are where the links lead.
    page = signed_in(therapist_user()).get(url).text
    assert f'id="intake-person-{alex.pk}"' in page
    # A practice manager sees who signed what, never how far the questionnaire is.
    managed = signed_in(practice_manager).get(reverse("office:home")).text
    assert f"Alex Moreno</a>: 2 of {total} signed</li>" in managed
    assert "questions not" not in managed


def test_the_office_sees_who_withdrew_consent_and_signs_on_paper(
    couple: Client, signed_in: SignedIn
) -> None:
    alex, jordan = couple.people.order_by("pk")
    services.packet_send(client=couple, people=[alex, jordan], actor=None, now=NOW)
    _signed(alex, Kind.CONSENT)
    services.esign_consent_withdraw(person=alex, now=NOW)
    office = signed_in(therapist_user())
    missing = PacketItem.objects.filter(person=alex).count() - 1
    page = office.get(couple.get_absolute_url()).text
    assert (
        "<strong>Signs on paper.</strong> Alex Moreno withdrew consent to sign electronically"
        f" on {NOW:%b} {NOW.day}, {NOW.year}: offer paper copies of the {missing} still to sign."
    ) in page
    assert "Jordan Moreno withdrew" not in page
    home = office.get(reverse("office:home")).text
    assert (
        f"Alex Moreno</a>: 1 of {missing + 1} signed "
        "(<strong>signs on paper</strong>: offer paper copies)" in home
    )
    assert "Jordan Moreno</a>: 0 of" in home
    # Consent given again: signing is electronic once more, and the prompt goes.
    services.esign_consent_record(person=alex, address=None, now=NOW)
    assert "Signs on paper" not in office.get(couple.get_absolute_url()).text
    assert "signs on paper" not in office.get(reverse("office:home")).text


def test_today_says_the_questions_are_answered_when_each_has_an_answer(
    individual: Client, person: Person, signed_in: SignedIn
) -> None:
    services.packet_send(
        client=individual, people=[person], items=[Kind.CONSENT], actor=None, now=NOW
    )
    for question in questions.QUESTIONS:
        Answer.objects.create(person=person, question=question.key, skipped=True)
    home = signed_in(therapist_user()).get(reverse("office:home")).text
    assert "Sam Rivera</a>: 0 of 1 signed, questions answered</li>" in home


def test_a_release_carries_who_signs_for_the_person_when_the_office_gives_it(
    individual: Client, signed_in: SignedIn
) -> None:
    office = signed_in(therapist_user())
    person = individual.people.get()
    page = office.get(individual.get_absolute_url()).text
    assert "Release: if someone signs for the person, who and their authority (optional)" in page
    office.post(
        reverse("office:intake_send", args=[individual.uid]),
        {
            "people": [str(person.pk)], "what": "chosen", "documents": [Kind.RELEASE],
            "information": "Dates of sessions", "discloser": "Hannah Brenner, LCSW",
            "recipient": "Dr. Kim Example (555-0142)", "purpose": "Care",
            "expires": "December 31, 2027",
            "representative": "Robin Example, guardian appointed by the court",
        },
    )  # fmt: skip
    details = services.release_details_of(PacketItem.objects.get())
    assert details is not None
    assert details.representative == "Robin Example, guardian appointed by the court"
    assert (texts.REPRESENTATIVE_LABEL, details.representative) in details.rows()


def test_a_release_without_a_representative_asks_for_none(
    individual: Client, signed_in: SignedIn
) -> None:
    office = signed_in(therapist_user())
    person = individual.people.get()
    office.post(
        reverse("office:intake_send", args=[individual.uid]),
        {
            "people": [str(person.pk)], "what": "chosen", "documents": [Kind.RELEASE],
            "information": "Dates of sessions", "discloser": "Hannah Brenner, LCSW",
            "recipient": "Dr. Kim Example (555-0142)", "purpose": "Care",
            "expires": "December 31, 2027",
        },
    )  # fmt: skip
    details = services.release_details_of(PacketItem.objects.get())
    assert details is not None
    assert details.representative == ""
    assert texts.REPRESENTATIVE_LABEL not in dict(details.rows())
