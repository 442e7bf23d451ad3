"""Who sees which clients, notes, documents and consultation requests, and the helpers on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.test import Client as Browser

from confide.accounts.sessions import AnyUser
from confide.accounts.testing import authenticator_activate, sign_in
from confide.clients.access import client_for, document_for, note_for
from confide.clients.models import Client, ClinicalNote, ConsultationRequest, Document
from confide.clients.tests.factories import clinician_of, people_of_every_kind

pytestmark = pytest.mark.django_db

EVERYONE = ["owner", "clinician", "colleague", "manager", "stranger", "retired", "anonymous"]


@pytest.fixture
def people(db: None) -> dict[str, AnyUser]:
    return people_of_every_kind()


@pytest.fixture
def clients(people: dict[str, AnyUser]) -> dict[str, Client]:
    return {
        "Robin's client": Client.objects.create(
            display_name="Sam R.", clinician=clinician_of(people["clinician"])
        ),
        "Sky's client": Client.objects.create(
            display_name="Lee K.", clinician=clinician_of(people["colleague"])
        ),
    }


def _note(client: Client, kind: str, author: Any) -> ClinicalNote:
    note = ClinicalNote(client=client, kind=kind, template="free", author=author)
    note.sections = {"text": "Some words."}
    note.save()
    return note


@pytest.fixture
def notes(people: dict[str, AnyUser], clients: dict[str, Client]) -> dict[str, ClinicalNote]:
    robins, skys = clients["Robin's client"], clients["Sky's client"]
    progress, process = ClinicalNote.Kind.PROGRESS, ClinicalNote.Kind.PSYCHOTHERAPY
    return {
        "progress by Robin": _note(robins, progress, people["clinician"]),
        "psychotherapy by Robin": _note(robins, process, people["clinician"]),
        "psychotherapy by the owner": _note(robins, process, people["owner"]),
        "psychotherapy whose author is gone": _note(robins, process, None),
        "progress by Sky": _note(skys, progress, people["colleague"]),
        "psychotherapy by Sky": _note(skys, process, people["colleague"]),
    }


@pytest.fixture
def documents(clients: dict[str, Client]) -> dict[str, Document]:
    made = {}
    for name, client in clients.items():
        document = Document(client=client, title="Letter", content_type="text/plain", size=1)
        document.data = b"x"
        document.save()
        made[f"letter to {name}"] = document
    return made


@pytest.fixture
def requests_(people: dict[str, AnyUser]) -> dict[str, ConsultationRequest]:
    return {
        f"request to {who}": ConsultationRequest.objects.create(
            clinician=clinician_of(people[who]), name="Quinn", email="quinn@example.org"
        )
        for who in ("clinician", "colleague")
    }


def shown(queryset: QuerySet[Any], named: Mapping[str, Model]) -> set[str]:
    """Return the names of the rows the queryset holds."""
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, row in named.items() if row.pk in pks}


BOTH_CLIENTS = {"Robin's client", "Sky's client"}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", BOTH_CLIENTS),
        ("clinician", {"Robin's client"}),
        ("colleague", {"Sky's client"}),
        ("manager", BOTH_CLIENTS),
        ("stranger", set()),
        ("retired", set()),
        ("anonymous", set()),
    ],
)
def test_a_clinician_sees_their_own_clients_and_the_owner_and_manager_the_practices(
    people: dict[str, AnyUser], clients: dict[str, Client], who: str, expected: set[str]
) -> None:
    assert shown(Client.objects.visible_to(people[who]), clients) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # The owner reads every progress note but no one else's psychotherapy note (decision 7).
        ("owner", {"progress by Robin", "progress by Sky", "psychotherapy by the owner"}),
        ("clinician", {"progress by Robin", "psychotherapy by Robin"}),
        ("colleague", {"progress by Sky", "psychotherapy by Sky"}),
        # The practice manager never reads clinical content.
        ("manager", set()),
        ("stranger", set()),
        ("retired", set()),
        ("anonymous", set()),
    ],
)
def test_notes_show_to_clinical_roles_in_scope_and_psychotherapy_notes_to_their_author_alone(
    people: dict[str, AnyUser], notes: dict[str, ClinicalNote], who: str, expected: set[str]
) -> None:
    assert shown(ClinicalNote.objects.visible_to(people[who]), notes) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"letter to Robin's client", "letter to Sky's client"}),
        ("clinician", {"letter to Robin's client"}),
        ("colleague", {"letter to Sky's client"}),
        ("manager", set()),
        ("stranger", set()),
        ("retired", set()),
        ("anonymous", set()),
    ],
)
def test_documents_show_to_clinical_roles_scoped_like_their_client(
    people: dict[str, AnyUser], documents: dict[str, Document], who: str, expected: set[str]
) -> None:
    assert shown(Document.objects.visible_to(people[who]), documents) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"request to clinician", "request to colleague"}),
        ("clinician", {"request to clinician"}),
        ("colleague", {"request to colleague"}),
        ("manager", {"request to clinician", "request to colleague"}),
        ("stranger", set()),
        ("retired", set()),
        ("anonymous", set()),
    ],
)
def test_consultation_requests_show_to_their_clinician_and_the_whole_practice_staff(
    people: dict[str, AnyUser],
    requests_: dict[str, ConsultationRequest],
    who: str,
    expected: set[str],
) -> None:
    assert shown(ConsultationRequest.objects.visible_to(people[who]), requests_) == expected


def test_visible_to_narrows_a_filtered_queryset_too(
    people: dict[str, AnyUser], notes: dict[str, ClinicalNote], clients: dict[str, Client]
) -> None:
    mine = ClinicalNote.objects.filter(client=clients["Sky's client"]).visible_to(
        people["clinician"]
    )
    assert not mine.exists()


# -- The access helpers: the object, a 404 out of scope, a 403 for a role without clinical access


def _outcome(find: Callable[[], object]) -> str:
    try:
        find()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "found"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", "found"),
        ("clinician", "found"),
        ("colleague", "404"),
        ("manager", "found"),
        ("stranger", "404"),
        ("anonymous", "404"),
    ],
)
def test_client_for_finds_a_client_in_scope_and_hides_one_outside_it(
    people: dict[str, AnyUser], clients: dict[str, Client], who: str, expected: str
) -> None:
    uid = clients["Robin's client"].uid
    assert _outcome(lambda: client_for(people[who], uid)) == expected


@pytest.mark.parametrize(
    ("who", "note", "expected"),
    [
        ("owner", "progress by Robin", "found"),
        ("owner", "psychotherapy by Robin", "404"),
        ("owner", "psychotherapy by the owner", "found"),
        ("clinician", "progress by Robin", "found"),
        ("clinician", "psychotherapy by Robin", "found"),
        ("clinician", "psychotherapy by the owner", "404"),
        ("clinician", "psychotherapy whose author is gone", "404"),
        ("colleague", "progress by Robin", "404"),
        ("manager", "progress by Robin", "403"),
        ("stranger", "progress by Robin", "403"),
        ("anonymous", "progress by Robin", "403"),
    ],
)
def test_note_for_finds_a_readable_note_hides_others_and_refuses_non_clinical_roles(
    people: dict[str, AnyUser],
    notes: dict[str, ClinicalNote],
    who: str,
    note: str,
    expected: str,
) -> None:
    uid = notes[note].uid
    assert _outcome(lambda: note_for(people[who], uid)) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", "found"),
        ("clinician", "found"),
        ("colleague", "404"),
        ("manager", "403"),
        ("stranger", "403"),
        ("anonymous", "403"),
    ],
)
def test_document_for_finds_a_document_in_scope_and_refuses_non_clinical_roles(
    people: dict[str, AnyUser], documents: dict[str, Document], who: str, expected: str
) -> None:
    uid = documents["letter to Robin's client"].uid
    assert _outcome(lambda: document_for(people[who], uid)) == expected


def test_the_admin_lists_every_consultation_request_to_the_owner(
    people: dict[str, AnyUser], requests_: dict[str, ConsultationRequest]
) -> None:
    owner = people["owner"]
    assert isinstance(owner, User)
    authenticator_activate(owner)
    response = sign_in(Browser(), owner).get("/office/admin/clients/consultationrequest/")

    assert response.status_code == 200
    assert {r.pk for r in response.context["cl"].result_list} == {r.pk for r in requests_.values()}
