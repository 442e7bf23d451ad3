"""The office names what the crisis screen flagged, in plain words; its phrases reach no page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from confide.clients import services
from confide.clients.models import Client, ConsultationRequest
from confide.clients.screening import LABELS, needs_attention, pattern_sources
from confide.office.tests.factories import demo_clinician, request_for, therapist_user

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., HttpClient]
WORDS = "I'm not suicidal, but my partner threatened to hurt me and I've saved some pills"
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def flagged(demo: None) -> ConsultationRequest:
    assert needs_attention(WORDS)
    consultation = request_for(demo_clinician(), name="Robin", needs_attention=True)
    consultation.note = WORDS
    consultation.save()
    return consultation


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _flagged_list(html: str) -> list[str]:
    found = re.search(r'<ul class="flagged-categories"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def _client_from(consultation: ConsultationRequest, actor: User) -> Client:
    return services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[services.person_details_from_request(consultation)],
        display_name="Robin",
        clinician_id=consultation.clinician_id,
        actor=actor,
        request=None,
        consultation=consultation,
    )


def test_the_request_names_what_was_flagged_in_plain_words_in_a_fixed_order(
    signed_in: SignedIn, therapist: User, flagged: ConsultationRequest
) -> None:
    html = signed_in(therapist).get(reverse("office:request", args=[flagged.uid])).content
    page = html.decode()

    assert "What was flagged:" in _text(page)
    assert _flagged_list(page) == [LABELS["ideation"], LABELS["means"], LABELS["violence"]]


def test_the_client_page_names_what_the_request_flagged(
    signed_in: SignedIn, therapist: User, flagged: ConsultationRequest
) -> None:
    client = _client_from(flagged, therapist)

    page = signed_in(therapist).get(client.get_absolute_url()).content.decode()

    assert _flagged_list(page) == [LABELS["ideation"], LABELS["means"], LABELS["violence"]]


def test_a_flagged_request_is_never_called_not_flagged(
    signed_in: SignedIn, therapist: User, flagged: ConsultationRequest
) -> None:
    page = signed_in(therapist).get(reverse("office:request", args=[flagged.uid]))
    assert "Not flagged" not in page.content.decode()


def test_a_practice_manager_sees_the_flag_but_not_what_was_flagged(
    signed_in: SignedIn, therapist: User, practice_manager: User, flagged: ConsultationRequest
) -> None:
    client = _client_from(flagged, therapist)
    manager = signed_in(practice_manager)

    for url in (reverse("office:request", args=[flagged.uid]), client.get_absolute_url()):
        page = manager.get(url).content.decode()
        assert "Needs attention" in page
        assert "What was flagged" not in page
        assert not [label for label in LABELS.values() if label in page]


def test_a_request_not_flagged_names_no_category_and_is_never_called_safe(
    signed_in: SignedIn, therapist: User, demo: None
) -> None:
    consultation = request_for(demo_clinician(), name="Robin")
    consultation.note = "Evenings are easier for me."
    consultation.save()

    page = signed_in(therapist).get(reverse("office:request", args=[consultation.uid]))
    text = _text(page.content.decode())

    assert "Needs attention" not in text
    assert "What was flagged" not in text
    assert "What they wrote Not flagged. Evenings are easier for me." in text
    # "Safe" appears only about the person's contact wishes, never as a verdict on their words.
    found = re.search(r"(?<!contact is )\bsafe\b(?! (?:times|days|hours|to|at|way))", text, re.I)
    assert not found, text[found.start() - 80 : found.end() + 40]


def _site_files() -> list[Path]:
    return [
        path
        for folder in ("templates", "static")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt", ".js", ".css", ".json", ".svg"}
    ]


def test_no_template_or_static_file_holds_the_screens_phrases() -> None:
    sources = pattern_sources()
    files = _site_files()
    assert len(files) > 20
    assert len(sources) > 50

    holding = [
        (path.relative_to(ROOT), source)
        for path in files
        for source in sources
        if source in path.read_text(encoding="utf-8", errors="replace")
    ]
    script_mentions = [p for p in files if p.suffix == ".js" and "screening" in p.read_text()]

    assert holding == []
    assert script_mentions == []


def test_no_page_a_person_or_the_office_sees_holds_the_screens_phrases(
    signed_in: SignedIn, therapist: User, flagged: ConsultationRequest
) -> None:
    client = _client_from(flagged, therapist)
    office = signed_in(therapist)
    pages = [HttpClient().get(url) for url in ("/", "/book/", "/book/ask/")]
    pages += [
        office.get(url)
        for url in (
            reverse("office:home"),
            reverse("office:requests"),
            reverse("office:request", args=[flagged.uid]),
            client.get_absolute_url(),
        )
    ]

    assert [page.status_code for page in pages] == [200] * len(pages)
    for page in pages:
        body = page.content.decode()
        assert not [source for source in pattern_sources() if source in body]
