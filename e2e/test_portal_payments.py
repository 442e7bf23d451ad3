"""Payments in the portal in Chromium: the balance, the papers, and a couple's other partner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from confide.billing import services
from confide.billing.demo import billing_demo_load
from confide.billing.models import Statement
from confide.clients.models import Client
from confide.office.tests.factories import therapist_user
from confide.portal.services import portal_invite
from confide.portal.tests.helpers import client_make, portal_tasks_run
from confide.portal.tests.test_payments import account_with_papers, pdf_text
from confide.practice.models import Clinician
from e2e.conftest import DESKTOP, PHONE, context_make, page_check, portal_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(site: str) -> str:
    """The demo practice (see e2e/conftest.py), with a year of the demo's billing."""
    clinician = Clinician.objects.get(slug="hannah-brenner")
    billing_demo_load(clinician=clinician, today=timezone.localdate() - dt.timedelta(days=365))
    return site


@pytest.fixture
def therapist(site: str) -> User:
    return therapist_user()


def _invited(client: Client) -> None:
    for person in client.people.all():
        portal_invite(person=person, actor=AnonymousUser(), request=None)
    portal_tasks_run()


@pytest.mark.parametrize(
    ("js", "size"),
    [(True, PHONE), (False, PHONE), (True, DESKTOP), (False, DESKTOP)],
    ids=["phone-javascript", "phone-no-javascript", "desktop-javascript", "desktop-no-javascript"],
)
def test_a_person_reads_their_balance_and_downloads_their_superbill(
    site: str,
    therapist: User,
    browser: Browser,
    contexts: list[BrowserContext],
    js: bool,
    size: ViewportSize,
) -> None:
    avery = client_make(("Avery Example", "avery@example.org"))
    statement, superbill, estimate = account_with_papers(avery, therapist)
    _invited(avery)
    context = context_make(browser, js=js, size=size)
    contexts.append(context)
    page = context.new_page()

    portal_sign_in(page, site, "avery@example.org")
    page.get_by_role("link", name="Payments").click()
    expect(page.get_by_role("heading", name="Payments", exact=True)).to_be_visible()
    expect(page.get_by_text("Still to pay: $250.00")).to_be_visible()
    expect(page.get_by_text("still to pay $50.00")).to_be_visible()
    expect(page.get_by_text("Check · 1042")).to_be_visible()
    page_check(page, js=js, width=size["width"], way_out=True)

    for document, words in (
        (superbill, ["Superbill", "Avery Example", "90834"]),
        (estimate, ["Good Faith Estimate", "Avery Example"]),
    ):
        name = (
            f"Download superbill {document.number} (PDF)"
            if isinstance(document, Statement)
            else f"Download Good Faith Estimate {document.number} (PDF)"
        )
        with page.expect_download() as download:
            page.get_by_role("button", name=name).click()
        assert download.value.suggested_filename == f"{document.number}.pdf"
        body = Path(download.value.path()).read_bytes()
        assert body == document.pdf
        text = pdf_text(body)
        for word in [document.number, *words]:
            assert word in text
    # The page is still there after the downloads, for the statement too.
    expect(
        page.get_by_role("button", name=f"Download statement {statement.number} (PDF)")
    ).to_be_visible()


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_the_partner_not_billed_reads_who_receives_the_bills_on_a_phone(
    site: str, therapist: User, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    kai = couple.people.get(name="Kai Example")
    services.account_update(client=couple, payer=kai, self_pay=True, actor=therapist)
    papers = account_with_papers(couple, therapist)
    _invited(couple)
    context = context_make(browser, js=js, size=PHONE)
    contexts.append(context)
    page = context.new_page()

    portal_sign_in(page, site, "dana@example.org")
    page.get_by_role("link", name="Payments").click()
    expect(
        page.get_by_text("The bills for your sessions together go to Kai Example")
    ).to_be_visible()
    expect(page.get_by_text("$")).to_have_count(0)
    for document in papers:
        expect(page.get_by_text(document.number)).to_have_count(0)
    page_check(page, js=js, width=PHONE["width"], way_out=True)
