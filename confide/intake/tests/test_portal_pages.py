"""A person's paperwork in the portal: reading, the disclosure, signing, downloads, questions."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from confide.clients.models import Client, Person
from confide.intake import services, texts
from confide.intake.models import Answer, IntakeDocument, PacketItem, Signature
from confide.intake.tests.conftest import NOW
from confide.portal.tests.helpers import portal_signed_in

pytestmark = pytest.mark.django_db
Kind = IntakeDocument.Kind


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _item(person: Person, kind: str) -> PacketItem:
    return PacketItem.objects.get(person=person, document__kind=kind)


def test_the_pages_need_a_portal_sign_in(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    item = _item(person, Kind.CONSENT)
    for url in (
        reverse("portal:intake:paperwork"),
        reverse("portal:intake:questionnaire"),
        reverse("portal:intake:document", args=[item.uid]),
    ):
        response = Browser().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:sign_in"))


def test_a_first_signature_goes_through_the_disclosure_then_signs(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    browser = portal_signed_in(person)
    item = _item(person, Kind.CONSENT)
    overview = _text(browser.get(reverse("portal:intake:paperwork")))
    assert "Informed consent to treatment" in overview
    url = reverse("portal:intake:document", args=[item.uid])
    page = _text(browser.get(url))
    assert "Read how signing here works" in page
    assert 'name="typed_name"' not in page

    disclosure = reverse("portal:intake:disclosure") + f"?item={item.uid}"
    shown = _text(browser.get(disclosure))
    for heading in ("Paper is always possible", "How to withdraw this consent", "What you need"):
        assert heading in shown
    refused = browser.post(disclosure, {})
    assert refused.status_code == 400
    agreed = browser.post(disclosure, {"agree": "on"}, REMOTE_ADDR="203.0.113.9")
    assert agreed["Location"] == url
    assert services.esign_consent_of(person) is not None

    version = item.document.current_version()
    assert version is not None
    page = _text(browser.get(url))
    assert 'name="typed_name"' in page
    signed = browser.post(
        url,
        {"version": str(version.uid), "typed_name": "Sam Rivera", "intent": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert signed.status_code == 302
    signature = Signature.objects.get(person=person)
    assert signature.address == "203.0.113.9"
    assert signature.typed_name == "Sam Rivera"

    download = browser.get(reverse("portal:intake:signed", args=[signature.uid]))
    assert hashlib.sha256(download.content).hexdigest() == signature.sha256
    text = " ".join(PdfReader(io.BytesIO(download.content)).pages[0].extract_text().split())
    assert version.title in text


def test_signing_without_the_intent_says_so_and_signs_nothing(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    services.esign_consent_record(person=person, address=None, now=NOW)
    item = _item(person, Kind.CONSENT)
    version = item.document.current_version()
    assert version is not None
    response = portal_signed_in(person).post(
        reverse("portal:intake:document", args=[item.uid]),
        {"version": str(version.uid), "typed_name": "Sam Rivera"},
    )
    assert response.status_code == 400
    assert "Tick the box to say that you mean to sign." in _text(response)
    assert not Signature.objects.exists()


def test_a_version_changed_while_reading_is_not_signed(person: Person) -> None:
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    services.esign_consent_record(person=person, address=None, now=NOW)
    item = _item(person, Kind.CONSENT)
    read = item.document.current_version()
    assert read is not None
    services.version_save(kind=Kind.CONSENT, title="Consent", body="New words.", actor=None)
    response = portal_signed_in(person).post(
        reverse("portal:intake:document", args=[item.uid]),
        {"version": str(read.uid), "typed_name": "Sam Rivera", "intent": "on"},
    )
    assert response.status_code == 400
    assert "changed since you opened it" in _text(response)
    assert not Signature.objects.exists()


def test_a_partner_never_reaches_the_other_partners_items_signatures_or_answers(
    couple: Client,
) -> None:
    alex, jordan = couple.people.all()
    services.packet_send(client=couple, people=[alex, jordan], actor=None, now=NOW)
    services.esign_consent_record(person=alex, address=None, now=NOW)
    version = IntakeDocument.objects.get(kind=Kind.CONSENT).current_version()
    assert version is not None
    signature = services.document_sign(
        person=alex, version=version, typed_name="Alex Moreno", intent=True, address=None, now=NOW
    )
    services.answers_save(person=alex, data={"reason": "we fight about money"})
    browser = portal_signed_in(jordan)
    alex_item = _item(alex, Kind.CONSENT)
    assert browser.get(reverse("portal:intake:document", args=[alex_item.uid])).status_code == 404
    assert browser.get(reverse("portal:intake:signed", args=[signature.uid])).status_code == 404
    questions = _text(browser.get(reverse("portal:intake:questionnaire")))
    assert "we fight about money" not in questions


def test_the_questionnaire_saves_as_it_goes_and_skips_say_so(person: Person) -> None:
    browser = portal_signed_in(person)
    url = reverse("portal:intake:questionnaire")
    page = _text(browser.get(url))
    assert "Why we ask:" in page
    skippable = {"pronouns", "gender", "address", "emergency_contact", "reason", "prior_therapy",
                 "medications", "physician"}  # fmt: skip
    for key in skippable | {"legal_name", "preferred_name", "date_of_birth"}:
        assert (f'name="{key}_skip"' in page) == (key in skippable), key
    response = browser.post(url, {"legal_name": "Samuel Rivera", "reason": "", "reason_skip": "on"})
    assert response.status_code == 302
    assert services.answers_of(person)["reason"] == services.Given("", skipped=True)
    again = _text(browser.get(url))
    assert 'value="Samuel Rivera"' in again
    browser.post(url, {"legal_name": "Samuel Rivera", "date_of_birth": "1990-04-17"})
    assert set(services.answers_of(person)) == {"legal_name", "date_of_birth"}
    assert Answer.objects.filter(person=person).count() == 2


def test_a_date_of_birth_in_the_future_is_refused_next_to_the_field(person: Person) -> None:
    response = portal_signed_in(person).post(
        reverse("portal:intake:questionnaire"), {"date_of_birth": "2999-01-01"}
    )
    assert response.status_code == 400
    assert "Enter your date of birth" in _text(response)
    assert not Answer.objects.exists()


def test_the_consent_is_withdrawn_from_the_disclosure_page(person: Person) -> None:
    services.esign_consent_record(person=person, address=None, now=NOW)
    browser = portal_signed_in(person)
    url = reverse("portal:intake:disclosure")
    assert "Withdraw my consent" in _text(browser.get(url))
    response = browser.post(url, {"withdraw": "1"}, follow=True)
    assert "Your consent to sign electronically is withdrawn." in _text(response)
    assert services.esign_consent_of(person) is None
    assert "Agree and continue" in _text(browser.get(url))
    # With documents waiting, the paperwork page says that paper is the way now, and how back.
    paperwork = reverse("portal:intake:paperwork")
    assert "you chose to sign on paper" not in _text(browser.get(paperwork))
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)
    assert "you chose to sign on paper" in _text(browser.get(paperwork))
    services.esign_consent_record(person=person, address=None, now=timezone.now())
    assert "you chose to sign on paper" not in _text(browser.get(paperwork))


def test_a_background_save_answers_in_json(person: Person) -> None:
    browser = portal_signed_in(person)
    url = reverse("portal:intake:questionnaire")
    saved = browser.post(url, {"autosave": "1", "preferred_name": "Sam"})
    assert saved.status_code == 200
    assert saved.json() == {"saved": True, "help": False}
    assert services.answers_of(person)["preferred_name"] == services.Given("Sam")
    refused = browser.post(url, {"autosave": "1", "date_of_birth": "2999-01-01"})
    assert refused.status_code == 400
    assert "Not saved" in refused.json()["message"]
    assert services.answers_of(person)["preferred_name"] == services.Given("Sam")


@pytest.mark.parametrize("representative", ["", "Robin Example, parent of a minor"])
def test_a_release_shows_who_signs_for_the_person_only_when_given(
    person: Person, representative: str
) -> None:
    release = texts.ReleaseDetails(
        information="Dates of sessions",
        discloser="Hannah Brenner, LCSW",
        recipient="Dr. Kim Example (555-0142)",
        purpose="Coordinating care",
        expires="December 31, 2027",
        representative=representative,
    )
    services.packet_send(
        client=person.client, people=[person], items=[Kind.RELEASE], release=release,
        actor=None, now=NOW,
    )  # fmt: skip
    page = _text(
        portal_signed_in(person).get(
            reverse("portal:intake:document", args=[_item(person, Kind.RELEASE).uid])
        )
    )
    assert "<dt>To whom</dt><dd>Dr. Kim Example (555-0142)</dd>" in page
    if representative:
        assert f"<dt>{texts.REPRESENTATIVE_LABEL}</dt><dd>{representative}</dd>" in page
    else:
        assert texts.REPRESENTATIVE_LABEL not in page
