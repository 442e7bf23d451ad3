"""Secure messages in Chromium on a phone: a person writes with a file, the clinician answers.

The person works with JavaScript and without it; the clinician's office is on a phone too.
Every page is checked with axe-core (with JavaScript) and for sideways scrolling.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    FilePayload,
    expect,
)

from confide.clients.models import Person
from confide.messaging.models import Attachment, Message
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make, person_of
from e2e.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    context_make,
    page_check,
    portal_sign_in,
    therapist_signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def person(site: str) -> Person:
    found = person_of(client_make(("Dana Example", "dana@example.org")))
    PortalAccount.objects.create(person=found)
    return found


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_person_writes_with_a_file_and_reads_the_clinicians_answer(
    site: str, person: Person, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "dana@example.org")

    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    expect(page.get_by_text("Messages are not read around the clock.")).to_be_visible()
    expect(page.get_by_role("complementary", name="Help at any hour")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])

    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Write a few words, or attach a file").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])

    page.get_by_label("Your message").fill("Could we move Thursday to the afternoon?")
    page.get_by_label("Attach a file (optional)").set_input_files(
        files=[FilePayload(name="schedule.png", mimeType="image/png", buffer=PNG)]
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()
    expect(page.get_by_text("Could we move Thursday to the afternoon?")).to_be_visible()
    expect(page.get_by_role("link", name="schedule.png")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    assert Attachment.objects.get().data == PNG

    desk = therapist_signed_in(browser, contexts, site, size=PHONE)
    desk.goto(site + "/office/messages/")
    expect(desk.get_by_text("1 unread")).to_be_visible()
    page_check(desk, js=True, width=PHONE["width"])
    desk.get_by_role("link", name="Dana Example").click()
    expect(desk.get_by_text("Could we move Thursday to the afternoon?")).to_be_visible()
    page_check(desk, js=True, width=PHONE["width"])
    desk.get_by_label("Write to Dana Example").fill("Yes, 3 PM works. See you then.")
    desk.get_by_role("button", name="Send").click()
    expect(desk.get_by_text("Message sent.")).to_be_visible()

    page.reload()
    expect(page.get_by_text("Yes, 3 PM works. See you then.")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])

    page.get_by_label("Your message").fill("Honestly some days I want to die.")
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_role("heading", name="If things feel like too much right now")
    ).to_be_visible()
    expect(page.get_by_role("link", name="988").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    assert Message.objects.filter(flagged_at__isnull=False).count() == 1

    desk.goto(site + "/office/")
    expect(desk.get_by_role("heading", name="Messages flagged for a follow-up (1)")).to_be_visible()
    page_check(desk, js=True, width=PHONE["width"])
    desk.get_by_role("link", name="Dana Example").first.click()
    desk.get_by_label("Contacted the person").check()
    desk.get_by_role("button", name="Record the follow-up").click()
    expect(desk.get_by_text("Follow-up recorded. The flag stays on the record.")).to_be_visible()
    expect(desk.get_by_text("Contacted the person")).to_be_visible()
    page_check(desk, js=True, width=PHONE["width"])


def test_at_a_desk_the_help_sits_beside_the_box_and_the_office_lists_flags_first(
    site: str, person: Person, browser: Browser, contexts: list[BrowserContext]
) -> None:
    from django.utils import timezone

    from confide.messaging import services

    services.message_send_by_person(
        person=person, body="I am not safe at home", upload=None, now=timezone.now()
    )
    portal = context_make(browser, js=True, size=DESKTOP)
    contexts.append(portal)
    page = portal.new_page()
    portal_sign_in(page, site, "dana@example.org")
    page.goto(site + "/portal/messages/")
    box = page.get_by_label("Your message").bounding_box()
    help_box = page.get_by_role("complementary", name="Help at any hour").bounding_box()
    assert box is not None
    assert help_box is not None
    assert help_box["x"] > box["x"] + box["width"]
    expect(
        page.get_by_role("heading", name="If things feel like too much right now")
    ).to_be_visible()
    assert axe_violations(page) == []

    desk = therapist_signed_in(browser, contexts, site, size=DESKTOP)
    expect(desk.get_by_role("heading", name="Messages flagged for a follow-up (1)")).to_be_visible()
    assert axe_violations(desk) == []
    desk.goto(site + "/office/messages/")
    first = desk.locator(".messaging-threads li").first
    expect(first).to_contain_text("Dana Example")
    expect(first).to_contain_text("Flagged")
    assert axe_violations(desk) == []
    desk.goto(f"{site}/office/clients/{person.client.uid}/")
    expect(desk.get_by_role("link", name="Messages with Dana Example")).to_be_visible()
    assert axe_violations(desk) == []
