"""Billing in Chromium: a session's charge, a payment, billing details, a diagnosis, a superbill.

On a phone-sized screen with JavaScript and axe-core, and on a desktop without JavaScript: every
billing form is a plain form that works without it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from confide.billing.demo import billing_demo_load
from confide.billing.models import Charge, Payment, Statement
from confide.clients import services
from confide.clients.models import Client
from confide.clients.services import PersonDetails
from confide.demo.loading import demo_load
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType
from e2e.conftest import axe_violations, begun_today, office_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-password-for-tests"
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def sam(live_server: LiveServer) -> Client:
    demo_load(password=PASSWORD)
    clinician = Clinician.objects.get(slug="hannah-brenner")
    billing_demo_load(clinician=clinician, today=timezone.now().date())
    client = services.client_create(
        kind=Client.Kind.INDIVIDUAL, people=[PersonDetails(name="Sam Example")],
        display_name="Sam E.", clinician_id=clinician.pk, actor=AnonymousUser(), request=None,
    )  # fmt: skip
    kind = AppointmentType.objects.get(clinician=clinician, slug="individual")
    start = begun_today(clinician.time_zone, length=kind.duration, ago=dt.timedelta(minutes=55))
    Appointment(
        clinician=clinician, appointment_type=kind, format="video", start=start,
        end=start + kind.duration, client=client,
    ).save()  # fmt: skip
    return client


def _sign_in(page: Page, site: str) -> None:
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")


def _fits_the_screen(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= PHONE["width"]


def test_a_session_is_charged_paid_and_put_on_a_superbill_on_a_phone(
    live_server: LiveServer, sam: Client, audit_page: Page
) -> None:
    site, page = live_server.url, audit_page
    page.set_viewport_size(PHONE)
    _sign_in(page, site)
    page.get_by_role("button", name="Attended").click()
    expect(page.get_by_text("Recorded: attended.")).to_be_visible()

    page.goto(f"{site}/office/clients/{sam.uid}/billing/")
    expect(page.get_by_text("Owes $200.00")).to_be_visible()
    expect(page.get_by_role("region", name="Table of charges")).to_contain_text("90834-95, POS 10")
    assert _fits_the_screen(page)
    assert axe_violations(page) == []

    page.get_by_label("Amount", exact=True).fill("$250")
    page.get_by_label("Method").select_option("check")
    page.get_by_label("Reference").fill("1042")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Payment of $250.00 recorded.")).to_be_visible()
    expect(page.get_by_text("Holds a credit of $50.00")).to_be_visible()

    page.get_by_role("link", name="Add Sam Example's billing details").click()
    expect(page.get_by_label("Legal name")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Legal name").fill("Samuel Example")
    page.get_by_label("Date of birth").fill("1990-04-02")
    page.get_by_label("Address").fill("1 Example Street\nBrooklyn, NY 11201")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("legal name, date of birth and address kept")).to_be_visible()

    page.get_by_role("link", name="Diagnoses for superbills").click()
    page.get_by_label("Code or words").fill("post-traumatic stress")
    page.get_by_role("button", name="Search").click()
    ptsd = "Add F43.10, Post-traumatic stress disorder, unspecified"
    expect(page.get_by_role("button", name=ptsd)).to_be_visible()
    assert "post-traumatic" not in page.url  # the search is never in the address
    assert axe_violations(page) == []
    page.get_by_role("button", name=ptsd).click()
    expect(page.get_by_text("Diagnosis added.")).to_be_visible()

    page.get_by_role("link", name="Sam E.: billing").click()
    page.get_by_label("Document").select_option("superbill")
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(page.get_by_text(re.compile(r"Superbill SB-\d{4}-\d{4} issued"))).to_be_visible()
    assert _fits_the_screen(page)
    statement = Statement.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Superbill {statement.number}").click()
    assert download.value.suggested_filename == f"{statement.number}.pdf"
    assert Charge.objects.get().locked_at is not None

    for address in ("/office/billing/", "/office/billing/fees/", "/office/billing/settings/"):
        page.goto(site + address)
        assert _fits_the_screen(page), address
        assert axe_violations(page) == [], address


def test_billing_forms_work_without_javascript(
    live_server: LiveServer, sam: Client, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    site = live_server.url
    _sign_in(page, site)
    page.get_by_role("button", name="Attended").click()
    page.goto(f"{site}/office/clients/{sam.uid}/billing/")
    page.get_by_label("Amount", exact=True).fill("120.50")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Owes $79.50")).to_be_visible()
    assert Payment.objects.get().amount_cents == 12050

    page.goto(f"{site}/office/charges/{Charge.objects.get().uid}/")
    page.get_by_label("Write off what is open").check()
    page.get_by_label("Amount", exact=True).fill("79.50")
    page.get_by_label("Reason").fill("Agreed hardship")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("write-off of -$79.50")).to_be_visible()
    page.goto(f"{site}/office/clients/{sam.uid}/billing/")
    expect(page.get_by_text("Nothing owed")).to_be_visible()
    context.close()
