"""Measures in Chromium: a person answers the PHQ-9 on a phone, sees help at once, and the
therapist sees the flag on Today, reads the answer and records a follow-up; the trend page.

With JavaScript and without it (every step is a plain form); axe-core on every page with it.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, expect

from confide.clients.models import Client
from confide.measures import services
from confide.measures.models import MeasureFlag, MeasureRequest
from confide.measures.tasks import send_measure_link
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


@pytest.fixture
def individual(site: str) -> Client:
    return client_make(("Sam Example", "sam@example.org"))


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_item_9_shows_help_at_once_and_the_flag_waits_on_today_until_followed_up(
    site: str, individual: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    sam = individual.people.get()
    PortalAccount.objects.get_or_create(person=sam)
    services.measure_send(
        client=individual, person=sam, code="phq9", actor=None, now=timezone.now(), request=None
    )
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "sam@example.org")

    page.get_by_role("link", name="Questionnaires").click()
    expect(page.get_by_role("heading", name="Questionnaires", level=1)).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("link", name="PHQ-9").click()
    expect(page.get_by_role("heading", name="A few questions")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    # Sending with an answer missing asks for it and keeps the others.
    for number in range(1, 9):
        page.get_by_role("group", name=re.compile(rf"^{number}\. ")).get_by_label(
            "Not at all"
        ).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Choose the answer that fits best.").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"])
    page.get_by_role("group", name=re.compile(r"^9\. ")).get_by_label("Several days").check()
    page.get_by_role("button", name="Send my answers").click()

    panel = page.get_by_role("alert")
    expect(panel).to_contain_text("988")
    expect(panel).to_contain_text("911")
    expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    assert "detect" not in page.content().lower()
    page_check(page, js=js, width=PHONE["width"])

    desk = therapist_signed_in(browser, contexts, site, size=DESKTOP)
    flags = desk.get_by_role("region", name="Answers to look at first")
    expect(flags).to_contain_text("Sam Example")
    expect(flags).to_contain_text("Several days")
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.goto(f"{site}/office/clients/{individual.uid}/")
    expect(desk.get_by_role("region", name="Answers to look at first")).to_contain_text(
        "Several days"
    )
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.get_by_role("link", name=re.compile("Read the answers and record a follow-up")).click()
    expect(desk.get_by_role("heading", name=re.compile(r"PHQ-9: 1, Minimal"))).to_be_visible()
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.get_by_label("Reviewed the safety plan").check()
    desk.get_by_role("button", name="Record the follow-up").click()
    expect(desk.get_by_text("Follow-up recorded. The flag stays on the record.")).to_be_visible()
    assert MeasureFlag.objects.get().follow_up == MeasureFlag.FollowUp.SAFETY_PLAN

    desk.goto(site + "/office/")
    expect(desk.get_by_role("region", name="Answers to look at first")).to_have_count(0)
    desk.goto(f"{site}/office/clients/{individual.uid}/measures/")
    expect(desk.get_by_text("Reviewed the safety plan")).to_be_visible()
    expect(desk.get_by_role("img", name=re.compile("PHQ-9 over time"))).to_be_visible()
    expect(desk.get_by_role("table").first).to_contain_text("Minimal")
    page_check(desk, js=True, width=DESKTOP["width"])


def test_the_office_sends_and_a_person_without_the_portal_answers_by_link_on_a_phone(
    site: str, individual: Client, browser: Browser, contexts: list[BrowserContext]
) -> None:
    desk = therapist_signed_in(browser, contexts, site, size=PHONE)
    desk.goto(f"{site}/office/clients/{individual.uid}/measures/")
    page_check(desk, js=True, width=PHONE["width"])
    send = desk.get_by_role("region", name="Send a measure")
    send.get_by_label("Measure", exact=True).select_option("gad7")
    send.get_by_role("button", name="Send", exact=True).click()
    expect(desk.get_by_text("a one-time link is on its way")).to_be_visible()
    page_check(desk, js=True, width=PHONE["width"])
    schedule = desk.get_by_role("region", name="Send on a schedule")
    schedule.get_by_label("Measure", exact=True).select_option("phq9")
    schedule.get_by_label("so many weeks").check()
    schedule.get_by_label("How many").fill("2")
    schedule.get_by_role("button", name="Set the schedule").click()
    expect(desk.get_by_text("The PHQ-9 goes out now and then every 2 weeks.")).to_be_visible()
    expect(desk.get_by_text("PHQ-9 every 2 weeks")).to_be_visible()
    page_check(desk, js=True, width=PHONE["width"])

    ask = MeasureRequest.objects.get(code="gad7")
    send_measure_link.func(SimpleNamespace(task_result=SimpleNamespace(id="e2e")), ask.pk)
    found = re.search(r"https?://\S+/questions/\S+/", str(mail.outbox[-1].body))
    assert found
    for js in (False, True):
        person = context_make(browser, js=js, size=PHONE)
        contexts.append(person)
        page = person.new_page()
        page.goto(found.group(0))
        if not js:
            expect(page.get_by_role("heading", name="A few questions")).to_be_visible()
            continue
        page_check(page, js=True, width=PHONE["width"])
        for number in range(1, 8):
            page.get_by_role("group", name=re.compile(rf"^{number}\. ")).get_by_label(
                "Several days"
            ).check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)
        page_check(page, js=True, width=PHONE["width"])
        # The link works once.
        assert page.goto(found.group(0)).status == 404  # type: ignore[union-attr]
