"""A shared plan in the portal: read and signed by each person for themselves, nobody else's."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.clients.models import Client, Person
from confide.intake.services import esign_consent_record
from confide.plans import services
from confide.plans.content import Objective, PlanContent
from confide.plans.models import PlanSignature, TreatmentPlan
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in

SECRET = "CANARY-PORTAL-PLAN-2b7f feeling small at family dinners"
NOW = dt.datetime(2030, 1, 7, 15, tzinfo=dt.UTC)
URL = "/portal/plan/"


def _portal(person: Person, *, consent: bool = True) -> Browser:
    if consent:
        esign_consent_record(person=person, address=None, now=timezone.now())
    return portal_signed_in(person)


def _shared(client: Client, therapist: User, problems: str = SECRET) -> TreatmentPlan:
    content = PlanContent(
        problems=problems,
        goals=("Feel at ease with family",),
        objectives=(Objective("GAD-7 below 5", dt.date(2030, 4, 1), "gad7"),),
        approaches=("Somatic experiencing",),
    )
    draft = services.plan_draft_save(
        client=client, content=content, review_on=dt.date(2030, 4, 1), actor=therapist,
        request=None,
    )  # fmt: skip
    plan = services.plan_sign(plan=draft, actor=therapist, request=None, now=NOW)
    return services.plan_share(plan=plan, shared=True, actor=therapist, request=None, now=NOW)


def test_the_portal_names_the_plan_page() -> None:
    assert reverse("portal:plan:plan") == URL


def test_nothing_shows_until_the_clinician_shares_the_plan(
    individual: Client, therapist: User
) -> None:
    browser = _portal(person_of(individual))
    draft = services.plan_draft_save(
        client=individual, content=PlanContent(problems=SECRET), review_on=dt.date(2030, 4, 1),
        actor=therapist, request=None,
    )  # fmt: skip
    assert not draft.is_signed
    page = browser.get(URL).content.decode()
    assert "hasn't shared a treatment plan" in page
    assert SECRET not in page
    assert f'<a href="{URL}"' not in page  # the navigation offers it only once shared
    _shared(individual, therapist)
    assert f'<a href="{URL}" aria-current="page">Your plan</a>' in browser.get(URL).content.decode()


def test_a_person_reads_and_signs_the_shared_plan(individual: Client, therapist: User) -> None:
    plan = _shared(individual, therapist)
    person = person_of(individual)
    browser = _portal(person)
    page = browser.get(URL).content.decode()
    assert SECRET in page
    assert "tracked by the GAD-7" in page
    assert "LCSW" in page
    response = browser.post(
        URL, {"plan": str(plan.uid), "typed_name": "Sam Rivera", "intent": "on"}
    )
    assert response.status_code == 302
    signature = PlanSignature.objects.get(plan=plan, person=person)
    assert signature.typed_name == "Sam Rivera"
    assert "You signed this plan" in browser.get(URL).content.decode()
    assert AuditEvent.objects.filter(target_uid=plan.uid, action="sign").count() == 2


def test_signing_needs_a_name_and_the_intent(individual: Client, therapist: User) -> None:
    plan = _shared(individual, therapist)
    browser = _portal(person_of(individual))
    response = browser.post(URL, {"plan": str(plan.uid), "typed_name": "Sam Rivera"})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not PlanSignature.objects.exists()


def test_signing_first_asks_for_the_consent_to_sign_electronically(
    individual: Client, therapist: User
) -> None:
    plan = _shared(individual, therapist)
    browser = _portal(person_of(individual), consent=False)
    assert reverse("portal:intake:disclosure") in browser.get(URL).content.decode()
    browser.post(URL, {"plan": str(plan.uid), "typed_name": "Sam Rivera", "intent": "on"})
    assert not PlanSignature.objects.exists()
    with pytest.raises(services.PlanError):
        services.plan_sign_by_person(
            plan=plan, person=person_of(individual), typed_name="Sam Rivera", intent=True,
            address=None, now=NOW,
        )  # fmt: skip


def test_a_plan_replaced_while_reading_is_not_signed(individual: Client, therapist: User) -> None:
    old = _shared(individual, therapist)
    browser = _portal(person_of(individual))
    _shared(individual, therapist, problems="A newer plan")
    response = browser.post(URL, {"plan": str(old.uid), "typed_name": "Sam R", "intent": "on"})
    assert response.status_code == 400
    assert "read it again" in response.content.decode()
    assert not PlanSignature.objects.exists()


def test_each_partner_signs_for_themselves(couple: Client, therapist: User) -> None:
    plan = _shared(couple, therapist)
    alex, jordan = person_of(couple, 0), person_of(couple, 1)
    _portal(alex).post(URL, {"plan": str(plan.uid), "typed_name": "Alex Moreno", "intent": "on"})
    assert list(plan.client_signatures.values_list("person", flat=True)) == [alex.pk]
    jordan_page = _portal(jordan).get(URL).content.decode()
    assert "You signed this plan" not in jordan_page
    assert "Sign for yourself" in jordan_page
    _portal(jordan).post(
        URL, {"plan": str(plan.uid), "typed_name": "Jordan Moreno", "intent": "on"}
    )
    assert plan.client_signatures.count() == 2


def test_one_client_never_reaches_another_clients_plan(individual: Client, therapist: User) -> None:
    plan = _shared(individual, therapist)
    other = person_of(client_make(("Robin Vale", "robin@example.org")))
    browser = _portal(other)
    page = browser.get(URL).content.decode()
    assert SECRET not in page
    response = browser.post(
        URL, {"plan": str(plan.uid), "typed_name": "Robin Vale", "intent": "on"}
    )
    assert response.status_code == 400
    assert not PlanSignature.objects.exists()


def test_the_office_shows_who_signed_in_the_portal(
    individual: Client, therapist: User, signed_in: Callable[..., Browser]
) -> None:
    plan = _shared(individual, therapist)
    esign_consent_record(person=person_of(individual), address=None, now=NOW)
    services.plan_sign_by_person(
        plan=plan, person=person_of(individual), typed_name="Sam Rivera", intent=True,
        address=None, now=NOW,
    )  # fmt: skip
    page = signed_in(therapist).get(reverse("office:client_plan", args=[individual.uid]))
    assert "Signed by Sam Rivera (Sam Rivera)" in page.content.decode()


def test_agreeing_to_sign_electronically_brings_the_person_back_to_the_plan(
    individual: Client, therapist: User
) -> None:
    plan = _shared(individual, therapist)
    browser = _portal(person_of(individual), consent=False)
    page = html.unescape(browser.get(URL).content.decode())
    disclosure = reverse("portal:intake:disclosure") + "?next=/portal/plan/"
    assert f'href="{disclosure}"' in page

    shown = html.unescape(browser.get(disclosure).content.decode())
    assert f'href="{URL}">Not now</a>' in shown
    agreed = browser.post(disclosure, {"agree": "on"})

    assert agreed.status_code == 302
    assert agreed["Location"] == URL
    back = html.unescape(browser.get(URL).content.decode())
    assert "You can now sign here." in back
    browser.post(URL, {"plan": str(plan.uid), "typed_name": "Sam Rivera", "intent": "on"})
    assert PlanSignature.objects.filter(plan=plan, person=person_of(individual)).exists()
