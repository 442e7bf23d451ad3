"""A request about a record in Chromium: the crisis screen, and the retention period for deletions.

The person asks on a phone, with JavaScript and without it, and sees where to get help at once;
the therapist at a desk sees the flag first, records a follow-up, reads until when the record is
kept and can only decline the deletion.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from confide.clients.models import Client
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make
from confide.records.models import RecordRequest, RequestFlag
from e2e.conftest import (
    DESKTOP,
    PHONE,
    context_make,
    page_check,
    portal_sign_in,
    therapist_signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "Take all of it out. Everyone would be better off without me anyway."


@pytest.fixture
def avery(site: str) -> Client:
    return client_make(("Avery Example", "avery@example.org"))


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_flagged_deletion_request_shows_help_and_can_only_be_declined_while_kept(
    site: str, avery: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    person = avery.people.get()
    PortalAccount.objects.get_or_create(person=person)
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    portal_sign_in(page, site, "avery@example.org")

    page.goto(site + "/portal/record/requests/new/")
    page.get_by_label("A deletion: something should be taken out of my record").check()
    page.get_by_label("Which part of your record is it about?").fill(WORDS)
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_text("Your request is sent.")).to_be_visible()
    panel = page.get_by_role("alert")
    expect(panel).to_contain_text("988")
    expect(panel).to_contain_text("911")
    assert RecordRequest.objects.get().what == WORDS
    page_check(page, js=js, width=PHONE["width"], way_out=True)

    desk = therapist_signed_in(browser, contexts, site, size=DESKTOP)
    flags = desk.get_by_role("region", name="Flagged requests about a record")
    expect(flags).to_contain_text("Avery Example")
    expect(flags).to_contain_text("better off without me")
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.goto(f"{site}/office/clients/{avery.uid}/")
    flags = desk.get_by_role("region", name="Flagged requests about a record")
    expect(flags).to_contain_text("better off without me")
    flags.get_by_role("link", name=re.compile("Read the request and record a follow-up")).click()

    expect(desk.get_by_role("heading", name="Deletion request from Avery Example")).to_be_visible()
    expect(desk.get_by_text(re.compile("has not been discharged"))).to_be_visible()
    expect(desk.get_by_text(re.compile("can only be declined"))).to_be_visible()
    expect(desk.get_by_label("Accepted", exact=True)).to_have_count(0)
    page_check(desk, js=True, width=DESKTOP["width"])
    desk.get_by_label("Contacted the person").check()
    desk.get_by_role("button", name="Record the follow-up").click()
    expect(desk.get_by_text("Follow-up recorded. The flag stays on the record.")).to_be_visible()
    assert RequestFlag.objects.get().follow_up == "contacted"

    desk.get_by_label("Declined", exact=True).check()
    desk.get_by_role("button", name="Record the answer").click()
    expect(desk.get_by_text("Your answer is recorded")).to_be_visible()
    desk.goto(site + "/office/")
    expect(desk.get_by_role("region", name="Flagged requests about a record")).to_have_count(0)

    page.goto(site + "/portal/record/")
    expect(page.get_by_text(re.compile("The law requires us to keep your record"))).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    page_check(page, js=js, width=PHONE["width"], way_out=True)
