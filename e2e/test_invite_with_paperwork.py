"""In Chromium: the therapist invites a partner with the paperwork and follows them on Today.

At a desktop and on a phone-sized screen, with axe-core.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from confide.clients.models import Client
from confide.intake.models import PacketItem
from confide.portal.tests.helpers import client_make
from e2e.conftest import DESKTOP, PASSWORD, PHONE, context_make, office_sign_in, page_check

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def couple(site: str) -> Client:
    return client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_one_step_invites_and_sends_the_paperwork_then_today_shows_how_far_they_are(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext], size: ViewportSize
) -> None:
    dana = couple.people.get(name="Dana Example")
    office = context_make(browser, js=True, size=size)
    contexts.append(office)
    page = office.new_page()
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")

    page.goto(f"{site}/office/clients/{couple.uid}/")
    card = page.get_by_role("article", name="Dana Example")
    box = card.get_by_label("Send the practice's paperwork with the invitation")
    expect(box).to_be_checked()
    page_check(page, js=True, width=size["width"])
    card.get_by_role("button", name="Invite Dana Example to the portal").click()
    expect(
        page.get_by_text(
            "An invitation to sign in is on its way to Dana Example by email. 5 documents to sign "
            "will be waiting for them in the portal."
        )
    ).to_be_visible()
    assert PacketItem.objects.filter(person=dana).count() == 5
    card = page.get_by_role("article", name="Dana Example")
    expect(
        card.get_by_label("Send the practice's paperwork with the invitation")
    ).not_to_be_checked()

    page.goto(site + "/office/")
    expect(page.get_by_text("Intake paperwork not yet signed (1)")).to_be_visible()
    # The person's own line, inside the client's.
    entry = (
        page.get_by_role("listitem").filter(has_text="0 of 5 signed, questions not started").last
    )
    expect(entry).to_be_visible()
    page_check(page, js=True, width=size["width"])
    entry.get_by_role("link", name="Dana Example").click()
    expect(page).to_have_url(re.compile(rf"#intake-person-{dana.pk}$"))
    expect(page.locator(f"#intake-person-{dana.pk}")).to_have_text("Dana Example")
