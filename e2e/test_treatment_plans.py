"""Treatment plans in Chromium: the therapist writes and signs one at a desk, Today shows it due
for review when its day comes, and the client signs it in the portal on a phone, with JavaScript
and without it. Every page is checked with axe-core where scripts run.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, expect

from confide.clients.models import Client
from confide.office.todo import todo_for
from confide.plans import services
from confide.plans.content import Objective, PlanContent
from confide.plans.models import PlanSignature, TreatmentPlan
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make
from e2e.conftest import (
    DESKTOP,
    PHONE,
    context_make,
    page_check,
    portal_sign_in,
    therapist_signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

PROBLEMS = "Harsh self-talk after mistakes at work; feels unseen by family."


@pytest.fixture
def individual(site: str) -> Client:
    return client_make(("Rowan Example", "rowan@example.org"))


def _practice_today() -> dt.date:
    therapist = User.objects.get(username="therapist")
    today = todo_for(therapist, mine=None, clinical=True, now=timezone.now()).today
    assert today is not None
    return today


def test_the_therapist_writes_and_signs_a_plan_and_today_shows_its_review(
    site: str, individual: Client, browser: Browser, contexts: list[BrowserContext]
) -> None:
    page = therapist_signed_in(browser, contexts, site, size=DESKTOP)

    page.goto(f"{site}/office/clients/{individual.uid}/")
    panel = page.get_by_role("region", name="Treatment plan")
    expect(panel.get_by_text("None yet.")).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])
    panel.get_by_role("link", name="Write a treatment plan").click()
    expect(page.get_by_role("heading", name="Write a treatment plan", level=1)).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])

    # Saved without a target date: the objective's error is next to it, nothing is kept.
    page.get_by_label("Presenting problems").fill(PROBLEMS)
    page.get_by_label("Goals").fill(
        "Speak to oneself more kindly\nFeel seen in close relationships"
    )
    page.get_by_label("Objective 1", exact=True).fill("PHQ-9 below 10")
    page.get_by_label("Objective 1: tracked by").select_option("phq9")
    page.get_by_label("EMDR").check()
    page.get_by_label("Review by").fill("2030-03-01")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Give the objective a target date.").first).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])
    assert not TreatmentPlan.objects.exists()

    page.get_by_label("Objective 1: target date").fill("2030-04-01")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft saved. Sign it when it is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name="Draft: version 1")).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_text("Version 1 signed. It is now the plan in force.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Signed on .* by Hannah Brenner, LCSW"))).to_be_visible()
    expect(page.get_by_text(PROBLEMS)).to_be_visible()
    expect(page.get_by_text("No PHQ-9 answered yet.")).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])
    page.get_by_role("button", name="Show in the portal").click()
    expect(page.get_by_text("The plan now shows in their portal")).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])

    page.goto(site + "/office/")
    expect(page.get_by_text("Treatment plans to review")).to_have_count(0)

    # The review date comes.
    TreatmentPlan.objects.update(review_on=_practice_today())
    page.reload()
    expect(page.get_by_text("Treatment plans to review (1)")).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])
    page.get_by_role("link", name="Rowan Example").first.click()
    expect(page.get_by_text("Review due:")).to_be_visible()
    page_check(page, js=True, width=DESKTOP["width"])


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_the_client_reads_and_signs_the_shared_plan_on_a_phone(
    site: str, individual: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    therapist = User.objects.get(username="therapist")
    person = individual.people.get()
    PortalAccount.objects.get_or_create(person=person)
    draft = services.plan_draft_save(
        client=individual,
        content=PlanContent(
            problems=PROBLEMS,
            goals=("Speak to oneself more kindly",),
            objectives=(Objective("GAD-7 below 5", dt.date(2030, 4, 1), "gad7"),),
            approaches=("Somatic experiencing",),
        ),
        review_on=dt.date(2030, 4, 1),
        actor=therapist,
        request=None,
    )
    plan = services.plan_sign(plan=draft, actor=therapist, request=None, now=timezone.now())
    services.plan_share(plan=plan, shared=True, actor=therapist, request=None, now=timezone.now())

    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "rowan@example.org")
    page.get_by_role("link", name="Your plan").first.click()
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    expect(page.get_by_text(PROBLEMS)).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])

    # A first signature asks for the consent to sign electronically, then comes back here.
    page.get_by_role("link", name="Read how signing here works").click()
    page.get_by_label("I have read this and I agree to sign electronically").check()
    page.get_by_role("button", name="Agree and continue").click()
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    expect(page.get_by_text("Thank you. You can now sign here.")).to_be_visible()

    expect(page.get_by_role("heading", name="Sign", exact=True)).to_be_visible()
    page.get_by_label("Type your full name to sign").fill("Rowan Example")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Tick the box to say that you mean to sign.").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_label("I have read this document and I sign it electronically").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Thank you. Your signature is kept with the plan.")).to_be_visible()
    expect(page.get_by_text("You signed this plan on")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    assert PlanSignature.objects.get(plan=plan, person=person).typed_name == "Rowan Example"
