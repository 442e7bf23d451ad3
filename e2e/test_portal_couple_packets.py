"""Both partners of a couple, each on their own phone, sign in and complete their whole packet.

With JavaScript and without it. Each document's signed PDF is downloaded as the person would:
its hash is the one stored, and its text holds every line the page showed, in the same order.
"""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from confide.billing.documents import to_latin1
from confide.clients.models import Client, Person
from confide.intake import services
from confide.intake.models import Signature
from confide.portal.services import portal_invite
from confide.portal.tests.helpers import client_make, portal_tasks_run
from e2e.conftest import PHONE, context_make, page_check, portal_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def couple(site: str) -> Client:
    """A couple, each partner invited, each sent the practice's default packet."""
    client = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    people = list(client.people.order_by("order", "pk"))
    for person in people:
        portal_invite(person=person, actor=AnonymousUser(), request=None)
    portal_tasks_run()
    services.packet_send(client=client, people=people, actor=None, now=timezone.now())
    return client


def _words(text: str) -> str:
    return " ".join(to_latin1(text).split())


def _pdf_text(data: bytes) -> str:
    return " ".join(_words(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages)


def _assert_pdf_holds_what_was_shown(pdf: bytes, title: str, shown: str) -> None:
    text = _pdf_text(pdf)
    assert _words(title) in text
    lines = [_words(line) for line in shown.splitlines() if line.strip()]
    assert sum(len(line) for line in lines) > 200, shown
    position = 0
    for line in lines:
        found = text.find(line, position)
        assert found >= 0, line  # every line shown, whole and in the order shown
        position = found + len(line)


def _complete_packet(
    page: Page, context: BrowserContext, site: str, person: Person, *, js: bool
) -> int:
    """Read and sign every document waiting, then answer the questions; return how many signed."""
    page.get_by_role("link", name="Paperwork").click()
    expect(page.get_by_role("heading", name="Your paperwork")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)
    waiting = page.locator("section[aria-labelledby=to-sign-heading] li a")
    titles = waiting.all_inner_texts()
    assert len(titles) >= 4, titles
    for index, title in enumerate(titles):
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        shown = page.locator("article.intake-paper .prose").inner_text()
        page_check(page, js=js, width=PHONE["width"], way_out=True)
        if index == 0:
            page.get_by_role("link", name="Read how signing here works").click()
            expect(page.get_by_role("heading", name="How to withdraw this consent")).to_be_visible()
            page_check(page, js=js, width=PHONE["width"], way_out=True)
            page.get_by_label("I have read this and I agree to sign electronically").check()
            page.get_by_role("button", name="Agree and continue").click()
            expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        page.get_by_label("Type your full name to sign").fill(person.name)
        page.get_by_label("I have read this document and I sign it electronically").check()
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.get_by_text(f"Signed: {title}.")).to_be_visible()
        page_check(page, js=js, width=PHONE["width"], way_out=True)

        signature = Signature.objects.filter(person=person).order_by("-signed_at", "-pk").first()
        assert signature is not None
        assert signature.version.title == title
        row = page.locator("section[aria-labelledby=signed-heading] li", has_text=title)
        href = row.get_by_role("link", name=re.compile("Download the PDF")).get_attribute("href")
        assert href
        pdf = context.request.get(site + href).body()
        assert hashlib.sha256(pdf).hexdigest() == signature.sha256
        _assert_pdf_holds_what_was_shown(pdf, title, shown)

    expect(page.get_by_text("Nothing is waiting for your signature.")).to_be_visible()
    page.get_by_role("link", name="Start the questions").click()
    page.get_by_label("Your legal name").fill(f"{person.name} Legal")
    page.get_by_role("textbox", name="What brings you to therapy?").fill(
        f"{person.name.split()[0]}'s own words"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)
    return len(titles)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_each_partner_signs_in_and_completes_their_own_packet_on_a_phone(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    dana, kai = couple.people.order_by("order", "pk")
    signed: dict[str, int] = {}
    for person, address in ((dana, "dana@example.org"), (kai, "kai@example.org")):
        context = context_make(browser, js=js, size=PHONE)
        contexts.append(context)
        page = context.new_page()
        portal_sign_in(page, site, address)
        signed[person.name] = _complete_packet(page, context, site, person, js=js)

    for person in (dana, kai):
        assert Signature.objects.filter(person=person).count() == signed[person.name]
        assert {s.typed_name for s in Signature.objects.filter(person=person)} == {person.name}
        assert services.answers_of(person)["legal_name"] == services.Given(f"{person.name} Legal")
    # Each partner's paperwork page shows only their own: Kai's answers never reach Dana's page.
    dana_page = contexts[0].pages[0]
    dana_page.goto(site + "/portal/paperwork/questions/")
    expect(dana_page.get_by_label("Your legal name")).to_have_value("Dana Example Legal")
    expect(dana_page.get_by_text("Kai's own words")).to_have_count(0)
    assert "Kai Example Legal" not in dana_page.content()
