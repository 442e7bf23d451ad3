"""A person's own record in Chromium: the log, the download, a request and the office's answer."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, expect

from confide.clients.models import Client, ClinicalNote
from confide.portal.services import portal_invite
from confide.portal.tests.helpers import client_make, portal_tasks_run
from confide.records.tests.test_records import records_tasks_run
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


@pytest.fixture
def avery(site: str) -> Client:
    """An individual client with a progress note and a psychotherapy note, invited to the portal."""
    client = client_make(("Avery Example", "avery@example.org"))
    person = client.people.get()
    person.time_zone = "America/New_York"
    person.save(update_fields=["time_zone"])
    for kind, text in (
        (ClinicalNote.Kind.PROGRESS, "Progress words"),
        (ClinicalNote.Kind.PSYCHOTHERAPY, "Private process words"),
    ):
        note = ClinicalNote(client=client, kind=kind, template="free")
        note.signed_at = timezone.now()
        note.sections = {"text": text}
        note.save()
    portal_invite(person=person, actor=AnonymousUser(), request=None)
    portal_tasks_run()
    return client


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_person_reads_who_opened_their_record_downloads_it_and_asks_for_a_correction(
    site: str, avery: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    phone = context_make(browser, js=js, size=PHONE)
    contexts.append(phone)
    desk = therapist_signed_in(browser, contexts, site, size=DESKTOP)
    desk.goto(f"{site}/office/clients/{avery.uid}/")

    page = phone.new_page()
    portal_sign_in(page, site, "avery@example.org")
    page.get_by_role("link", name="Your record").click()
    expect(page.get_by_role("heading", name="Your record", exact=True)).to_be_visible()
    expect(page.get_by_text("Opened your record").first).to_be_visible()
    expect(page.get_by_text("Times are shown in Eastern Time")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my record").click()
    path = download.value.path()
    data = json.loads(open(path, encoding="utf-8").read())  # noqa: SIM115
    text = json.dumps(data)
    assert "Progress words" in text
    assert "Private process words" not in text

    page.get_by_role("link", name="Ask for a correction or a deletion").click()
    expect(page.get_by_role("heading", name="Ask for a correction or a deletion")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Please choose a correction or a deletion.").first).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)
    page.get_by_label("A correction: something in my record is wrong").check()
    page.get_by_label("Which part of your record is it about?").fill("My middle name")
    page.get_by_label("Why, and what it should say instead (optional)").fill("It is Lane")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is sent.")).to_be_visible()
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)

    desk.goto(site + "/office/")
    expect(
        desk.get_by_role("heading", name="Requests about a record to answer (1)")
    ).to_be_visible()
    desk.goto(f"{site}/office/clients/{avery.uid}/")
    desk.get_by_role("link", name="Correction request from Avery Example").click()
    expect(desk.get_by_text("My middle name")).to_be_visible()
    assert axe_violations(desk) == []
    desk.get_by_label("Accepted", exact=True).check()
    desk.get_by_label("What the person will read").fill("Your middle name is corrected.")
    desk.get_by_role("button", name="Record the answer").click()
    expect(desk.get_by_text("Your answer is recorded")).to_be_visible()

    assert records_tasks_run() == ["sent"]
    assert mail.outbox[-1].subject == "There is an update in your portal"
    page.reload()
    expect(page.get_by_text("Your middle name is corrected.")).to_be_visible()
    page_check(page, js=js, width=PHONE["width"], way_out=True)


def test_a_partner_on_a_desktop_sees_only_their_own_log_and_requests(
    site: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    from confide.audit.services import audit_record
    from confide.records import services

    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = couple.people.order_by("order", "pk")
    for person in (dana, kai):
        portal_invite(person=person, actor=AnonymousUser(), request=None)
    portal_tasks_run()
    therapist = User.objects.get(username="therapist")
    audit_record(
        request=None,
        actor=therapist,
        action="view",
        target_type="intake_answers",
        target_uid=kai.uid,
        client_uid=couple.uid,
    )
    services.record_request_create(
        person=kai, kind="deletion", what="Kai's own words", why="", now=timezone.now()
    )
    desktop = context_make(browser, js=True, size=DESKTOP)
    contexts.append(desktop)
    page = desktop.new_page()
    portal_sign_in(page, site, "dana@example.org")
    page.goto(site + "/portal/record/")
    expect(page.get_by_text("Nobody in the practice has opened your record yet")).to_be_visible()
    expect(page.get_by_text("Kai's own words")).to_have_count(0)
    page_check(page, js=True, width=DESKTOP["width"], way_out=True)
