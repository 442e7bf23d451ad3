"""Intake paperwork in Chromium: the office edits and sends it; a partner consents, signs, answers.

The office at a desktop and on a phone-sized screen, with axe-core; the partner on a phone, with
JavaScript and without it (every step is a plain form).
"""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from confide.clients.models import Client
from confide.intake import services
from confide.intake.models import Answer, Signature
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

# Set CONFIDE_SCREENSHOTS to a folder to keep a picture of the withdrawal as each side sees it.
SHOTS = os.environ.get("CONFIDE_SCREENSHOTS", "")


@pytest.fixture
def couple(site: str) -> Client:
    return client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_office_edits_a_document_sends_the_packet_and_follows_it(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext], size: ViewportSize
) -> None:
    page = therapist_signed_in(browser, contexts, site, size=size)

    page.goto(site + "/office/settings/")
    page.get_by_role("link", name="Intake paperwork").click()
    expect(page.get_by_role("heading", name="Intake paperwork", level=1)).to_be_visible()
    page_check(page, js=True, width=size["width"])
    page.get_by_role("link", name="Telehealth consent").click()
    text = page.get_by_label("Text")
    text.fill(text.input_value() + "\n\nIf the video fails, your therapist calls you.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview, not saved")).to_be_visible()
    expect(page.get_by_text("If the video fails, your therapist calls you.").first).to_be_visible()
    page_check(page, js=True, width=size["width"])
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()

    page.goto(f"{site}/office/clients/{couple.uid}/")
    panel = page.get_by_role("region", name="Intake paperwork")
    expect(panel.get_by_text("Nothing sent yet.").first).to_be_visible()
    page_check(page, js=True, width=size["width"])
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Sent 10 documents to sign.")).to_be_visible()
    expect(panel.get_by_text("0 of 5 signed").first).to_be_visible()
    page_check(page, js=True, width=size["width"])

    page.goto(site + "/office/")
    expect(page.get_by_text("Intake paperwork not yet signed (1)")).to_be_visible()
    page_check(page, js=True, width=size["width"])


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_partner_consents_signs_downloads_and_answers_on_a_phone(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    dana = couple.people.get(name="Dana Example")
    PortalAccount.objects.get_or_create(person=dana)
    services.packet_send(client=couple, people=[dana], actor=None, now=timezone.now())
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "dana@example.org")

    page.get_by_role("link", name="Paperwork").click()
    expect(page.get_by_role("heading", name="Your paperwork")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("link", name="Informed consent to treatment").click()
    expect(
        page.get_by_role("heading", name="Informed consent to treatment", level=1)
    ).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("link", name="Read how signing here works").click()
    expect(page.get_by_role("heading", name="How to withdraw this consent")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("button", name="Agree and continue").click()
    expect(page.get_by_text("Tick the box to agree").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_label("I have read this and I agree to sign electronically").check()
    page.get_by_role("button", name="Agree and continue").click()

    expect(page.get_by_role("heading", name="Sign", exact=True)).to_be_visible()
    page.get_by_label("Type your full name to sign").fill("Dana Example")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Tick the box to say that you mean to sign.").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_label("I have read this document and I sign it electronically").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Signed: Informed consent to treatment.")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])

    signature = Signature.objects.get(person=dana)
    link = page.get_by_role("link", name=re.compile("Download the PDF"))
    href = link.get_attribute("href")
    assert href
    pdf = phone.request.get(site + href)
    assert hashlib.sha256(pdf.body()).hexdigest() == signature.sha256

    page.get_by_role("link", name="Start the questions").click()
    page_check(page, js=js, width=PHONE["width"])
    if js:
        # Saved as it is typed, before any button is pressed; the words saying so take a line
        # kept for them, so the Save button does not move (a tap on it blurs the field, which
        # starts a save: a button that moved then would miss the tap).
        save = page.get_by_role("button", name="Save", exact=True)
        where = "b => b.getBoundingClientRect().top + window.scrollY"  # on the page, not the screen
        before = save.evaluate(where)
        page.get_by_label("The name you would like us to use").fill("Dana")
        expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
        assert save.evaluate(where) == before
        assert services.answers_of(dana)["preferred_name"] == services.Given("Dana")
    page.get_by_label("Your legal name").fill("Dana Q. Example")
    page.get_by_role("textbox", name="What brings you to therapy?").fill(
        "I keep apologising for existing."
    )
    page.get_by_role(
        "checkbox", name=re.compile(r"rather talk about it in session \(Medications")
    ).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(page.get_by_label("Your legal name")).to_have_value("Dana Q. Example")
    page_check(page, js=js, width=PHONE["width"])
    assert Answer.objects.filter(person=dana).count() == (4 if js else 3)
    assert services.answers_of(dana)["medications"] == services.Given("", skipped=True)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_withdrawn_consent_to_sign_electronically_reaches_the_office(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    dana = couple.people.get(name="Dana Example")
    PortalAccount.objects.get_or_create(person=dana)
    services.packet_send(client=couple, people=[dana], actor=None, now=timezone.now())
    services.esign_consent_record(person=dana, address=None, now=timezone.now())
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "dana@example.org")

    page.get_by_role("link", name="Paperwork").click()
    page.get_by_role("link", name="What that means and how to withdraw it").click()
    page.get_by_role("button", name="Withdraw my consent").click()
    expect(page.get_by_text("The practice is told, and will give you paper copies")).to_be_visible()
    expect(page.get_by_role("heading", name="Your paperwork")).to_be_visible()
    # Coming back later, the page still says so, and how to change one's mind.
    page.reload()
    expect(page.get_by_text("you chose to sign on paper")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/withdrawn-portal-{js}.png", full_page=True)

    desk = therapist_signed_in(browser, contexts, site, size=DESKTOP)
    expect(desk.get_by_text("signs on paper")).to_be_visible()
    page_check(desk, js=True, width=DESKTOP["width"])
    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/withdrawn-today-{js}.png", full_page=True)
    desk.get_by_role("link", name="Dana Example").first.click()
    expect(
        desk.get_by_text("Dana Example withdrew consent to sign electronically")
    ).to_contain_text("offer paper copies of the 5 still to sign")
    page_check(desk, js=True, width=DESKTOP["width"])
    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/withdrawn-office-{js}.png", full_page=True)
