"""A person without a portal account answers a questionnaire by its one-time link on a phone
with JavaScript off, all the way to the thank-you page; then the link opens nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from confide.clients.models import Client
from confide.measures import services
from confide.measures.models import MeasureRequest, MeasureResponse
from confide.measures.tasks import send_measure_link
from confide.portal.tests.helpers import client_make, person_of

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}
COMMENT = "Mornings have been a little easier this week."


@pytest.fixture
def individual(site: str) -> Client:
    return client_make(("Robin Example", "robin@example.org"))


@pytest.fixture
def phone_without_js(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE_SIZE)
    yield context
    context.close()


def _link_sent(client: Client) -> str:
    """Send the PHQ-9 to the client's person as the office does, and return the mailed link."""
    person = person_of(client)
    assert not hasattr(person, "portal_account")
    ask = services.measure_send(
        client=client, person=person, code="phq9", actor=AnonymousUser(), now=timezone.now(),
        request=None,
    )  # fmt: skip
    send_measure_link.func(SimpleNamespace(task_result=SimpleNamespace(id="e2e-no-js")), ask.pk)
    mailed = [m for m in mail.outbox if m.to == ["robin@example.org"]]
    assert mailed
    found = re.search(r"https?://\S+/questions/\S+/", str(mailed[-1].body))
    assert found
    return found.group(0)


def test_a_person_answers_by_link_on_a_phone_without_javascript_once(
    site: str, individual: Client, phone_without_js: BrowserContext
) -> None:
    link = _link_sent(individual)
    page = phone_without_js.new_page()
    opened = page.goto(link)
    assert opened is not None
    assert opened.status == 200
    expect(page.get_by_role("heading", name="A few questions", level=1)).to_be_visible()
    # The one-time link is not the portal: no way into a portal account is offered here.
    expect(page.get_by_role("link", name="Your questionnaires")).to_have_count(0)

    # Sent with one answer missing, the page comes back from the server with the answers kept.
    for number in range(1, 9):
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_label("Several days").check()
    page.get_by_label("Anything you'd like to add (optional)").fill(COMMENT)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Choose the answer that fits best.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^9\. "))).to_have_attribute(
        "href", "#id_item9"
    )
    expect(
        page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label("Several days")
    ).to_be_checked()
    assert not MeasureResponse.objects.exists()

    page.get_by_role("group", name=re.compile(r"^9\. ")).get_by_label("Not at all").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    expect(page.get_by_text("Your answers were sent.")).to_be_visible()
    # Nothing was flagged, so the thank-you page has no crisis panel.
    expect(page.locator(".crisis-panel")).to_have_count(0)

    saved = MeasureResponse.objects.get()
    assert (saved.total, saved.band) == (8, "Mild")
    assert saved.comment == COMMENT
    assert MeasureRequest.objects.get().answered_at is not None

    # The link works once: opened again, it shows no form.
    again = page.goto(link)
    assert again is not None
    assert again.status == 404
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    expect(page.get_by_text("Several days")).to_have_count(0)
