"""The client portal in Chromium: invited from the office, signed in by code or link, signed out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from confide.clients.models import Client
from confide.portal.tests.helpers import client_make, portal_tasks_run, session_make
from e2e.conftest import DESKTOP, PASSWORD, PHONE, context_make, office_sign_in, page_check

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def couple(site: str) -> Client:
    """Dana and Kai, each with their own address, a session to come and one past."""
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    person = couple.people.get(name="Dana Example")
    person.time_zone = "America/New_York"
    person.save(update_fields=["time_zone"])
    soon = timezone.now().replace(second=0, microsecond=0)
    session_make(couple, start=soon + dt.timedelta(days=3))
    session_make(couple, start=soon - dt.timedelta(days=7))
    return couple


def _check(page: Page, *, js: bool, width: int) -> None:
    """On every page: the way out and help now; with JavaScript, axe and no sideways scroll."""
    page_check(page, js=js, width=width, way_out=True)
    expect(page.get_by_role("heading", name="If you need help now")).to_be_attached()


def _office_invites(page: Page, site: str, couple: Client, name: str) -> None:
    page.goto(site + "/office/")
    office_sign_in(page, username="therapist", password=PASSWORD)
    page.wait_for_url(f"{site}/office/")
    page.goto(f"{site}/office/clients/{couple.uid}/")
    page.get_by_role("button", name=f"Invite {name} to the portal").click()
    expect(
        page.get_by_text(f"An invitation to sign in is on its way to {name} by email.")
    ).to_be_visible()


def _newest_mail_to(address: str) -> str:
    portal_tasks_run()
    messages = [m for m in mail.outbox if m.to == [address]]
    assert messages, address
    return str(messages[-1].body)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_partner_is_invited_signs_in_with_a_code_sees_appointments_and_signs_out_on_a_phone(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext], js: bool
) -> None:
    office = context_make(browser, js=js, size=DESKTOP)
    phone = context_make(browser, js=js, size=PHONE)
    contexts += [office, phone]
    _office_invites(office.new_page(), site, couple, "Dana Example")
    invitation = _newest_mail_to("dana@example.org")
    sign_in_url = re.search(r"http\S+/portal/sign-in/", invitation)
    assert sign_in_url

    page = phone.new_page()
    page.goto(sign_in_url.group(0))
    _check(page, js=js, width=PHONE["width"])
    # A mistyped address is explained next to the field.
    page.get_by_label("Your email address or mobile number").fill("dana at example")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("Enter an email address, like name@example.org").first).to_be_visible()
    _check(page, js=js, width=PHONE["width"])
    page.get_by_label("Your email address or mobile number").fill("dana@example.org")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("If that address is one we know, a code is on its way")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])

    body = _newest_mail_to("dana@example.org")
    code = re.search(r"code is (\d{3} \d{3})", body)
    assert code
    page.get_by_label("Your 6-digit code").fill(
        "000 000" if code.group(1) != "000 000" else "111 111"
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code isn't right.")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])
    page.get_by_label("Your 6-digit code").fill(code.group(1))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
    assert "/portal/" in page.url
    expect(page.get_by_role("link", name=re.compile("Details, move or cancel"))).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("Calendar file"))).to_have_count(1)
    expect(page.get_by_text("Times are shown in")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])

    # The appointment's own page, choosing a new time, then cancelling it instead.
    page.get_by_role("link", name=re.compile("Details, move or cancel")).click()
    expect(page.get_by_role("heading", name="Your appointment")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])
    page.get_by_role("link", name="Move to another time").click()
    expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])
    for _ in range(4):
        if page.locator("button.time").count():
            break
        page.get_by_role("link", name="Later times").click()
    page.locator("button.time").first.click()
    expect(page.get_by_text("Nothing changes until you confirm.")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])
    page.get_by_role("link", name="Your appointment").click()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Cancel this appointment?")).to_be_visible()
    _check(page, js=js, width=PHONE["width"])
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Your appointment is cancelled.")).to_be_visible()
    expect(page.get_by_text("Nothing is booked right now.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You're signed out.")).to_be_visible()
    page.goto(site + "/portal/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_the_other_partner_signs_in_with_the_link_on_a_desktop(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext]
) -> None:
    office = context_make(browser, js=True, size=DESKTOP)
    asking = context_make(browser, js=True, size=DESKTOP)
    reading = context_make(browser, js=True, size=DESKTOP)
    contexts += [office, asking, reading]
    _office_invites(office.new_page(), site, couple, "Kai Example")
    _newest_mail_to("kai@example.org")
    page = asking.new_page()
    page.goto(site + "/portal/sign-in/")
    _check(page, js=True, width=DESKTOP["width"])
    page.get_by_label("Your email address or mobile number").fill("kai@example.org")
    page.get_by_role("button", name="Send me a code").click()
    link = re.search(r"http\S+/portal/sign-in/link/\S+/", _newest_mail_to("kai@example.org"))
    assert link

    # Opened elsewhere (the mail app's browser): a press, not the visit, signs in.
    page = reading.new_page()
    page.goto(link.group(0))
    _check(page, js=True, width=DESKTOP["width"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
    _check(page, js=True, width=DESKTOP["width"])

    # The same link a second time explains itself and offers a new code.
    again = asking.new_page()
    again.goto(link.group(0))
    again.get_by_role("button", name="Sign in").click()
    expect(again.get_by_text("That sign-in link has already been used.")).to_be_visible()
    _check(again, js=True, width=DESKTOP["width"])


def test_a_person_adds_a_passkey_and_signs_in_with_it_next_time(
    site: str, couple: Client, browser: Browser, contexts: list[BrowserContext]
) -> None:
    from confide.portal.models import PortalPasskey
    from confide.portal.services import portal_invite

    dana = couple.people.get(name="Dana Example")
    portal_invite(person=dana, actor=AnonymousUser(), request=None)
    phone = context_make(browser, js=True, size=PHONE)
    contexts.append(phone)
    page = phone.new_page()
    # The phone's own screen lock, as Chromium's virtual authenticator.
    cdp = phone.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto(site + "/portal/sign-in/")
    page.get_by_label("Your email address or mobile number").fill("dana@example.org")
    page.get_by_role("button", name="Send me a code").click()
    code = re.search(r"code is (\d{3} \d{3})", _newest_mail_to("dana@example.org"))
    assert code
    page.get_by_label("Your 6-digit code").fill(code.group(1))
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Passkeys").click()
    expect(page.get_by_text("You have no passkeys.")).to_be_visible()
    _check(page, js=True, width=PHONE["width"])
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Your passkey is added.")).to_be_visible()
    _check(page, js=True, width=PHONE["width"])
    assert PortalPasskey.objects.get().account.person == dana
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
    assert PortalPasskey.objects.get().last_used_at is not None
