"""A practice manager's client page says only that a questionnaire waits or is due: no measure,
score, answer or flag; on a phone and at a desk, with JavaScript (axe-core checked) and without."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create
from confide.clients.models import Client
from confide.measures import services
from confide.portal.tests.helpers import client_make, person_of
from e2e.conftest import axe_violations, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_SIZE: ViewportSize = {"width": 390, "height": 844}
DESK_SIZE: ViewportSize = {"width": 1280, "height": 900}
MANAGER_PASSWORD = "manager-password-for-tests"


@pytest.fixture
def measured(site: str) -> Client:
    """A client whose person answered a PHQ-9 (item 9 flagged) and has a GAD-7 every 4 weeks."""
    staff_user_create("morgan", role=StaffProfile.Role.PRACTICE_MANAGER, password=MANAGER_PASSWORD)
    client = client_make(("Robin Example", "robin@example.org"))
    person = person_of(client)
    now = timezone.now()
    ask = services.measure_send(
        client=client, person=person, code="phq9", actor=AnonymousUser(), now=now, request=None
    )
    services.response_save(
        ask=ask, answers={f"item{n}": 2 for n in range(1, 9)} | {"item9": 1},
        comment="CANARY-COMMENT", now=now, request=None,
    )  # fmt: skip
    services.schedule_set(
        client=client, code="gad7", every_sessions=None, every_weeks=4,
        actor=AnonymousUser(), now=now, request=None,
    )  # fmt: skip
    return client


@pytest.fixture
def contexts_made(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


@pytest.mark.parametrize(
    ("js", "size"),
    [(True, PHONE_SIZE), (False, PHONE_SIZE), (True, DESK_SIZE)],
    ids=["phone-javascript", "phone-no-javascript", "desk-javascript"],
)
def test_a_manager_sees_only_that_a_questionnaire_waits_or_is_due(
    site: str,
    measured: Client,
    browser: Browser,
    contexts_made: list[BrowserContext],
    js: bool,
    size: ViewportSize,
) -> None:
    context = browser.new_context(java_script_enabled=js, bypass_csp=js, viewport=size)
    contexts_made.append(context)
    page = context.new_page()
    page.goto(site + "/office/")
    office_sign_in(page, username="morgan", password=MANAGER_PASSWORD)
    page.wait_for_url(f"{site}/office/")

    page.goto(f"{site}/office/clients/{measured.uid}/")
    panel = page.get_by_role("region", name="Questionnaires")
    expect(panel.get_by_role("listitem")).to_have_count(2)
    expect(panel.get_by_role("listitem").first).to_have_text(
        re.compile(
            r"^A questionnaire is waiting for Robin Example \(sent [A-Z][a-z]{2} \d{1,2}\)\.$"
        )
    )
    expect(panel.get_by_role("listitem").nth(1)).to_have_text(
        re.compile(r"^Another questionnaire is due [A-Z][a-z]{2} \d{1,2}\.$")
    )
    body = page.locator("body").inner_text()
    for word in ("PHQ", "GAD", "Answers to look at first", "Severe", "CANARY", "better off dead"):
        assert word not in body, word
    expect(page.get_by_role("link", name="Measures and trends")).to_have_count(0)
    if js:
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        assert axe_violations(page) == []
