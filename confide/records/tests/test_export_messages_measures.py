"""The record exports hold the person's secure messages and measures, and nothing of a partner's."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from confide.accounts.testing import sign_in
from confide.clients.models import ClinicalNote, Person
from confide.measures import services as measures
from confide.messaging import services as messaging
from confide.messaging.services import Upload
from confide.portal.tests.helpers import client_make, person_of
from confide.records import services

pytestmark = pytest.mark.usefixtures("demo")
NOW = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)
PDF = b"%PDF-1.4 a letter from my physician\n%%EOF"


def _message(person: Person, words: str, *, upload: Upload | None = None) -> None:
    messaging.message_send_by_person(person=person, body=words, upload=upload, now=NOW)


def _phq9(person: Person, *, comment: str, item1: int = 2) -> None:
    ask = measures.measure_send(
        client=person.client, person=person, code="phq9", actor=None, now=NOW, request=None
    )
    answers = {f"item{n}": 0 for n in range(1, 10)} | {"item1": item1}
    measures.response_save(ask=ask, answers=answers, comment=comment, now=NOW, request=None)


def _download(person: Person) -> dict[str, Any]:
    return services.person_record_export(person=person, request=None, now=NOW)


def test_the_download_holds_the_persons_messages_with_their_attachments(owner: User) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    avery = person_of(client)
    _message(avery, "I wanted to ask about next week.", upload=Upload("physician letter.pdf", PDF))
    messaging.message_send_by_staff(
        person=avery, user=owner, body="Of course, Tuesday works.", upload=None, request=None,
        now=NOW + dt.timedelta(hours=1),
    )  # fmt: skip

    data = _download(avery)

    bodies = [m["body"] for m in data["messages"]]
    assert bodies == ["I wanted to ask about next week.", "Of course, Tuesday works."]
    attachment = data["messages"][0]["attachments"][0]
    assert attachment["name"] == "physician letter.pdf"
    assert base64.b64decode(attachment["data_base64"]) == PDF
    assert data["messages"][0]["from"] == "Avery Example"


def test_the_download_holds_the_persons_measures_with_scores_bands_and_answers() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    avery = person_of(client)
    _phq9(avery, comment="Sleep has been hard.", item1=3)

    [measure] = _download(avery)["measures"]

    assert measure["measure"] == "PHQ-9"
    assert measure["score"] == 3
    assert measure["band"]
    assert measure["answered"] == NOW.isoformat()
    assert measure["comment"] == "Sleep has been hard."
    first = measure["answers"][0]
    assert first["value"] == 3
    assert first["question"]
    assert first["answer"]
    assert len(measure["answers"]) == 9


def test_the_download_never_holds_psychotherapy_notes() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    avery = person_of(client)
    note = ClinicalNote(
        client=client, kind=ClinicalNote.Kind.PSYCHOTHERAPY, template="free", signed_at=NOW
    )
    note.sections = {"text": "Private process words"}
    note.save()
    _message(avery, "A message of mine.")

    text = json.dumps(_download(avery))

    assert "A message of mine." in text
    assert "Private process words" not in text


def test_a_partner_never_gets_the_others_messages_or_answers() -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    _message(dana, "Dana's own words.")
    _message(kai, "Kai's own words.", upload=Upload("kai notes.pdf", PDF))
    _phq9(dana, comment="Dana's comment.")
    _phq9(kai, comment="Kai's comment.", item1=1)

    data = _download(dana)
    text = json.dumps(data)

    assert [m["body"] for m in data["messages"]] == ["Dana's own words."]
    assert [m["comment"] for m in data["measures"]] == ["Dana's comment."]
    for words in ("Kai's own words.", "kai notes.pdf", "Kai's comment."):
        assert words not in text


def test_the_office_export_holds_every_partners_messages_and_measures(owner: User) -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    _message(dana, "Dana's own words.")
    _message(kai, "Kai's own words.", upload=Upload("kai notes.pdf", PDF))
    _phq9(kai, comment="Kai's comment.")

    http = sign_in(HttpClient(), owner, fresh_password=True)
    response = http.post(f"/office/clients/{couple.uid}/export/", {"format": "json"})

    data = json.loads(response.content)
    assert {m["body"] for m in data["messages"]} == {"Dana's own words.", "Kai's own words."}
    [attachment] = [a for m in data["messages"] for a in m["attachments"]]
    assert base64.b64decode(attachment["data_base64"]) == PDF
    assert [(m["person"], m["comment"]) for m in data["measures"]] == [
        ("Kai Example", "Kai's comment.")
    ]


def test_the_office_printout_lists_messages_and_measures(owner: User) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    avery = person_of(client)
    _message(avery, "A question about Tuesday.", upload=Upload("physician letter.pdf", PDF))
    _phq9(avery, comment="Sleep has been hard.")

    http = sign_in(HttpClient(), owner, fresh_password=True)
    response = http.post(f"/office/clients/{client.uid}/export/", {"format": "print"})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    for words in ("A question about Tuesday.", "physician letter.pdf", "Sleep has been hard."):
        assert words in page
    assert "PHQ-9, Avery Example" in page
