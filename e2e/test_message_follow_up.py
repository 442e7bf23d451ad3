"""A flagged portal message in the office: at the top of the client page with what was flagged,
then a follow-up recorded on the message with its kind and note; on a phone and at a desk, with
JavaScript (axe-core checked) and without it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from confide.clients.models import Client, Person
from confide.messaging import services
from confide.messaging.models import Message
from confide.portal.tests.helpers import client_make, person_of
from e2e.conftest import PASSWORD, axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}
DESK_SIZE: ViewportSize = {"width": 1280, "height": 900}
NOTE = "Spoke by phone; they are staying with a friend tonight."


@pytest.fixture
def flagged_person(site: str) -> Person:
    client: Client = client_make(("Robin Example", "robin@example.org"))
    person = person_of(client)
    services.message_send_by_person(
        person=person, body="I am going to kill myself", upload=None, now=timezone.now()
    )
    return person


@pytest.fixture
def contexts_made(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def _check(page: Page, *, js: bool, width: int) -> None:
    if js:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        assert axe_violations(page) == [], page.url


@pytest.mark.parametrize(
    ("js", "size"),
    [(True, PHONE_SIZE), (False, PHONE_SIZE), (True, DESK_SIZE)],
    ids=["phone-javascript", "phone-no-javascript", "desk-javascript"],
)
def test_the_therapist_follows_up_a_flagged_message_from_the_client_page(
    site: str,
    flagged_person: Person,
    browser: Browser,
    contexts_made: list[BrowserContext],
    js: bool,
    size: ViewportSize,
) -> None:
    context = browser.new_context(java_script_enabled=js, bypass_csp=js, viewport=size)
    contexts_made.append(context)
    page = context.new_page()
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")

    page.goto(f"{site}/office/clients/{flagged_person.client.uid}/")
    flags = page.get_by_role("region", name="Flagged messages")
    expect(flags).to_contain_text("Robin Example")
    expect(flags).to_contain_text("Thoughts of dying or of suicide; A plan or an intent to act")
    _check(page, js=js, width=size["width"])
    flags.get_by_role("link", name=re.compile("Read the message and record a follow-up")).click()

    expect(page.get_by_role("heading", name="Messages with Robin Example")).to_be_visible()
    expect(page.get_by_text("I am going to kill myself")).to_be_visible()
    _check(page, js=js, width=size["width"])
    # "Other" needs a few words: nothing is recorded without them.
    page.get_by_role("radio", name="Other").check()
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_text("Say briefly what you did.")).to_be_visible()
    assert Message.objects.get().needs_follow_up()

    page.get_by_role("radio", name="Other").check()
    page.get_by_label("A few words (needed for Other)").fill(NOTE)
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_text("Follow-up recorded. The flag stays on the record.")).to_be_visible()
    expect(page.get_by_text(f"Other. {NOTE}")).to_be_visible()
    expect(page.get_by_role("button", name="Record the follow-up")).to_have_count(0)
    _check(page, js=js, width=size["width"])
    message = Message.objects.get()
    assert (message.follow_up, message.follow_up_note) == ("other", NOTE)

    page.goto(f"{site}/office/clients/{flagged_person.client.uid}/")
    expect(page.get_by_role("region", name="Flagged messages")).to_have_count(0)
