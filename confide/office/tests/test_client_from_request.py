"""A client who came from a request keeps that request, its crisis flag and their words in view."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from confide.clients import services
from confide.clients.models import Client, ConsultationRequest
from confide.clients.screening import needs_attention
from confide.office.tests.factories import demo_clinician, request_for, therapist_user

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., HttpClient]
WORDS = "Some nights I feel like I want to die, and I am ashamed to say it"


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


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


@pytest.fixture
def flagged(demo: None) -> ConsultationRequest:
    assert needs_attention(WORDS)
    consultation = request_for(demo_clinician(), name="Robin", needs_attention=True)
    consultation.note = WORDS
    consultation.save()
    return consultation


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_client_page_links_to_the_request_and_shows_its_flag_and_words(
    signed_in: SignedIn, therapist: User, flagged: ConsultationRequest
) -> None:
    client = _client_from(flagged, therapist)

    html = signed_in(therapist).get(client.get_absolute_url()).content.decode()

    assert f'href="{reverse("office:request", args=[flagged.uid])}"' in html
    assert "Needs attention" in html
    assert "Something they wrote may signal a crisis" in _text(html)
    assert WORDS in _text(html)


def test_a_request_without_a_flag_shows_no_flag(
    signed_in: SignedIn, therapist: User, demo: None
) -> None:
    consultation = request_for(demo_clinician(), name="Robin")
    consultation.note = "Evenings are easier for me."
    consultation.save()
    client = _client_from(consultation, therapist)

    html = signed_in(therapist).get(client.get_absolute_url()).content.decode()

    assert f'href="{reverse("office:request", args=[consultation.uid])}"' in html
    assert "Needs attention" not in html
    assert "Evenings are easier for me." in html


def test_a_practice_manager_sees_the_link_and_the_lists_label_but_not_the_words(
    signed_in: SignedIn, therapist: User, practice_manager: User, flagged: ConsultationRequest
) -> None:
    client = _client_from(flagged, therapist)

    html = signed_in(practice_manager).get(client.get_absolute_url()).content.decode()

    assert f'href="{reverse("office:request", args=[flagged.uid])}"' in html
    # The requests list shows a manager the "Needs attention" label, and no more than that.
    assert "Needs attention" in html
    assert "Something they wrote" not in html
    assert "want to die" not in html
    assert "What they wrote" not in html


def test_words_that_do_not_open_are_not_shown(
    signed_in: SignedIn, therapist: User, flagged: ConsultationRequest
) -> None:
    client = _client_from(flagged, therapist)
    ConsultationRequest.objects.filter(pk=flagged.pk).update(note_sealed="v1:broken")

    response = signed_in(therapist).get(client.get_absolute_url())

    assert response.status_code == 200
    assert "could not be opened" in response.content.decode()


def test_a_client_made_without_a_request_shows_no_request(
    signed_in: SignedIn, therapist: User, demo: None
) -> None:
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[services.PersonDetails(name="Sam", email="sam@example.org")],
        display_name="Sam",
        clinician_id=demo_clinician().pk,
        actor=therapist,
        request=None,
    )

    html = signed_in(therapist).get(client.get_absolute_url()).content.decode()

    assert "Where they came from" not in html
