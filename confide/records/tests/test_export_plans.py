"""The record exports hold every signed version of the treatment plan, never a draft."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.accounts.testing import sign_in
from confide.clients.models import Client, Person
from confide.intake.services import esign_consent_record
from confide.office.tests.factories import therapist_user
from confide.plans import services as plans
from confide.plans.content import Objective, PlanContent
from confide.plans.models import TreatmentPlan
from confide.portal.tests.helpers import client_make, person_of
from confide.records import services

pytestmark = pytest.mark.usefixtures("demo")
NOW = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)
DRAFT_WORDS = "CANARY-DRAFT-PLAN words not yet signed"


def _content(problems: str) -> PlanContent:
    return PlanContent(
        problems=problems,
        goals=("Speak up at work without dread",),
        objectives=(
            Objective("PHQ-9 below 10", dt.date(2027, 3, 1), "phq9"),
            Objective("Name one need a week", dt.date(2027, 2, 1)),
        ),
        approaches=("EMDR",),
        other_interventions="Grounding practice between sessions",
    )


def _signed(client: Client, therapist: User, problems: str, *, at: dt.datetime) -> TreatmentPlan:
    draft = plans.plan_draft_save(
        client=client, content=_content(problems), review_on=dt.date(2027, 3, 1),
        actor=therapist, request=None,
    )  # fmt: skip
    plan = plans.plan_sign(plan=draft, actor=therapist, request=None, now=at)
    return plans.plan_share(plan=plan, shared=True, actor=therapist, request=None, now=at)


def _sign_as(person: Person, plan: TreatmentPlan, name: str) -> None:
    esign_consent_record(person=person, address=None, now=timezone.now())
    plans.plan_sign_by_person(
        plan=plan, person=person, typed_name=name, intent=True, address=None, now=NOW
    )


def _draft(client: Client, therapist: User) -> None:
    plans.plan_draft_save(
        client=client, content=_content(DRAFT_WORDS), review_on=dt.date(2027, 6, 1),
        actor=therapist, request=None,
    )  # fmt: skip


def _download(person: Person) -> dict[str, Any]:
    return services.person_record_export(person=person, request=None, now=NOW)


def test_the_download_holds_every_signed_version_and_leaves_the_draft_out() -> None:
    therapist = therapist_user()
    client = client_make(("Avery Example", "avery@example.org"))
    avery = person_of(client)
    _signed(client, therapist, "First version words", at=NOW - dt.timedelta(days=90))
    second = _signed(client, therapist, "Second version words", at=NOW - dt.timedelta(days=1))
    _sign_as(avery, second, "Avery Example")
    _draft(client, therapist)

    data = _download(avery)

    versions = data["treatment_plans"]
    assert [p["version"] for p in versions] == [1, 2]
    assert [p["content"]["problems"] for p in versions] == [
        "First version words",
        "Second version words",
    ]
    latest = versions[1]
    assert latest["signed"] == (NOW - dt.timedelta(days=1)).isoformat()
    assert latest["signer"]["name"] == "Hannah Brenner"
    assert latest["review_by"] == "2027-03-01"
    assert latest["content"]["goals"] == ["Speak up at work without dread"]
    assert latest["content"]["objectives"] == [
        {"text": "PHQ-9 below 10", "target": "2027-03-01", "measure": "PHQ-9"},
        {"text": "Name one need a week", "target": "2027-02-01", "measure": None},
    ]
    assert latest["content"]["approaches"] == ["EMDR"]
    assert latest["content"]["other_interventions"] == "Grounding practice between sessions"
    assert latest["client_signatures"] == [
        {"person": "Avery Example", "typed_name": "Avery Example", "signed": NOW.isoformat()}
    ]
    assert versions[0]["client_signatures"] == []
    assert DRAFT_WORDS not in json.dumps(data)


def test_a_draft_alone_puts_no_plan_in_the_download() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    _draft(client, therapist_user())

    data = _download(person_of(client))

    assert data["treatment_plans"] == []
    assert DRAFT_WORDS not in json.dumps(data)


def test_each_partner_gets_the_couples_plan_with_only_their_own_signature() -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    plan = _signed(couple, therapist_user(), "Our shared plan", at=NOW - dt.timedelta(days=2))
    _sign_as(dana, plan, "Dana Example")
    _sign_as(kai, plan, "Kai T. Example")

    dana_copy, kai_copy = _download(dana), _download(kai)

    assert dana_copy["treatment_plans"][0]["content"]["problems"] == "Our shared plan"
    assert [s["typed_name"] for s in dana_copy["treatment_plans"][0]["client_signatures"]] == [
        "Dana Example"
    ]
    assert [s["typed_name"] for s in kai_copy["treatment_plans"][0]["client_signatures"]] == [
        "Kai T. Example"
    ]
    assert "Kai T. Example" not in json.dumps(dana_copy)


def test_the_office_export_holds_every_signed_version_and_every_signature() -> None:
    therapist = therapist_user()
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    plan = _signed(couple, therapist, "Our shared plan", at=NOW - dt.timedelta(days=2))
    _sign_as(person_of(couple, 0), plan, "Dana Example")
    _sign_as(person_of(couple, 1), plan, "Kai T. Example")
    _draft(couple, therapist)

    http = sign_in(HttpClient(), therapist, fresh_password=True)
    response = http.post(f"/office/clients/{couple.uid}/export/", {"format": "json"})

    data = json.loads(response.content)
    [exported] = data["treatment_plans"]
    assert exported["id"] == str(plan.uid)
    assert exported["content"]["problems"] == "Our shared plan"
    assert [s["typed_name"] for s in exported["client_signatures"]] == [
        "Dana Example",
        "Kai T. Example",
    ]
    assert DRAFT_WORDS not in response.content.decode()


def test_the_office_printout_lists_the_signed_plan_and_not_the_draft() -> None:
    therapist = therapist_user()
    client = client_make(("Avery Example", "avery@example.org"))
    plan = _signed(client, therapist, "Printed plan words", at=NOW - dt.timedelta(days=3))
    _sign_as(person_of(client), plan, "Avery Example")
    _draft(client, therapist)

    http = sign_in(HttpClient(), therapist, fresh_password=True)
    response = http.post(f"/office/clients/{client.uid}/export/", {"format": "print"})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    for words in (
        "Treatment plan, version 1",
        "Printed plan words",
        "Speak up at work without dread",
        "PHQ-9 below 10",
        "tracked by the PHQ-9",
        "Grounding practice between sessions",
        "by Hannah Brenner",
        'Signed by Avery Example on November 30, 2026, typed name "Avery Example"',
    ):
        assert words in page
    assert DRAFT_WORDS not in page
