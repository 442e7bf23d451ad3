"""Intake answers and the crisis screen in Chromium: help at once for the person, a flag for staff.

The person answers on a phone, with JavaScript and without it; the therapist at a desk sees the
flag first on Today and the client page, reads the answer and records a follow-up.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from confide.clients.models import Client
from confide.intake import services
from confide.intake.models import AnswerFlag
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

WORDS = "Mostly that everyone would be better off without me."


@pytest.fixture
def individual(site: str) -> Client:
    return client_make(("Sam Example", "sam@example.org"))


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_an_answer_that_flags_shows_help_at_once_and_waits_on_today_until_followed_up(
    site: str, individual: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    sam = individual.people.get()
    PortalAccount.objects.get_or_create(person=sam)
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "sam@example.org")

    page.goto(site + "/portal/paperwork/questions/")
    expect(page.get_by_role("heading", name="A few questions", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("textbox", name="What brings you to therapy?").fill(WORDS)
    if js:
        # Saved as it is typed: the help shows then, before any button is pressed.
        expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("988")
        page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    panel = page.get_by_role("alert")
    expect(panel).to_contain_text("988")
    expect(panel).to_contain_text("911")
    expect(page.get_by_role("textbox", name="What brings you to therapy?")).to_have_value(WORDS)
    assert "detect" not in page.content().lower()
    assert services.answers_of(sam)["reason"].text == WORDS
    page_check(page, js=js, width=PHONE["width"])

    desk = therapist_signed_in(browser, contexts, site, size=DESKTOP)
    flags = desk.get_by_role("region", name="Flagged intake answers")
    expect(flags).to_contain_text("Sam Example")
    expect(flags).to_contain_text(WORDS)
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.goto(f"{site}/office/clients/{individual.uid}/")
    expect(desk.get_by_role("region", name="Flagged intake answers")).to_contain_text(WORDS)
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.get_by_role("link", name=re.compile("Read the answers and record a follow-up")).click()
    expect(desk.get_by_role("heading", name="Sam Example: intake answers")).to_be_visible()
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.get_by_label("Reviewed the safety plan").check()
    desk.get_by_role("button", name=re.compile("Record the follow-up")).click()
    expect(desk.get_by_text("Follow-up recorded. The flag stays on the record.")).to_be_visible()
    assert AnswerFlag.objects.get().follow_up == AnswerFlag.FollowUp.SAFETY_PLAN
    expect(desk.get_by_text(re.compile("Reviewed the safety plan\\."))).to_be_visible()
    page_check(desk, js=True, width=DESKTOP["width"])

    desk.goto(site + "/office/")
    expect(desk.get_by_role("region", name="Flagged intake answers")).to_have_count(0)
