"""An invitation to the portal can carry the practice's paperwork, in one message to the person."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client as Browser
from django.urls import reverse

from confide.accounts.models import StaffProfile
from confide.clients.models import Client, Person
from confide.intake import services
from confide.intake.models import IntakeDocument, PacketItem
from confide.intake.tests.conftest import NOW
from confide.intake.texts import ReleaseDetails
from confide.portal.models import Invitation, PortalAccount
from confide.portal.tests.helpers import client_make, person_of, portal_tasks_run
from confide.records.models import PortalNotice

pytestmark = pytest.mark.usefixtures("demo")
SignedIn = Callable[..., Browser]
BOX = 'name="paperwork" value="1"'
LABEL = "Send the practice's paperwork with the invitation"


def _avery() -> Person:
    return person_of(client_make(("Avery Example", "avery@example.org")))


def _therapist(client: Client) -> User:
    return StaffProfile.objects.get(clinician=client.clinician).user


def _invite(browser: Browser, person: Person, **data: str) -> str:
    url = reverse("office:portal_invite", args=[person.client.uid, person.pk])
    return html.unescape(browser.post(url, data, follow=True).content.decode())


def _box_of(page: str) -> str:
    """Return the paperwork checkbox's tag on the page, or "" when there is none."""
    start = page.find(BOX)
    return page[page.rfind("<input", 0, start) : page.find(">", start) + 1] if start >= 0 else ""


def test_the_box_is_ticked_until_something_was_sent_to_the_person(
    signed_in: SignedIn,
) -> None:
    person = _avery()
    browser = signed_in(_therapist(person.client))
    page = browser.get(person.client.get_absolute_url()).content.decode()
    assert LABEL in page
    assert " checked" in _box_of(page)

    services.packet_send(
        client=person.client,
        people=[person],
        items=[IntakeDocument.Kind.CONSENT],
        actor=None,
        now=NOW,
    )
    page = browser.get(person.client.get_absolute_url()).content.decode()
    assert LABEL in page
    assert _box_of(page)
    assert " checked" not in _box_of(page)


def test_a_practice_manager_sees_no_box(practice_manager: User, signed_in: SignedIn) -> None:
    person = _avery()
    page = signed_in(practice_manager).get(person.client.get_absolute_url()).content.decode()
    assert "Invite Avery Example to the portal" in page
    assert LABEL not in page
    assert not _box_of(page)


def test_one_step_invites_and_sends_the_default_packet_in_one_message(
    signed_in: SignedIn,
) -> None:
    person = _avery()

    page = _invite(signed_in(_therapist(person.client)), person, paperwork="1")

    assert (
        "An invitation to sign in is on its way to Avery Example by email. 4 documents to sign "
        "will be waiting for them in the portal." in page
    )
    assert PacketItem.objects.filter(person=person).count() == 4
    assert Invitation.objects.filter(account__person=person).count() == 1
    assert not PortalNotice.objects.exists()
    portal_tasks_run()
    assert [m.to for m in mail.outbox] == [["avery@example.org"]]


def test_inviting_again_with_new_paperwork_brings_no_second_notice(
    signed_in: SignedIn,
) -> None:
    person = _avery()
    browser = signed_in(_therapist(person.client))
    _invite(browser, person)
    assert PortalAccount.objects.get(person=person).active

    _invite(browser, person, paperwork="1")

    assert PacketItem.objects.filter(person=person).count() == 4
    assert Invitation.objects.filter(account__person=person).count() == 2
    # The same packet sent on its own would have brought a notice besides the invitation.
    assert not PortalNotice.objects.exists()
    services.packet_send(
        client=person.client,
        people=[person],
        items=[IntakeDocument.Kind.RELEASE],
        release=_release(),
        actor=None,
        now=NOW,
    )
    assert PortalNotice.objects.count() == 1


def _release() -> ReleaseDetails:
    return ReleaseDetails(
        information="Dates of sessions",
        discloser="Hannah Brenner, LCSW",
        recipient="Dr. Kim Example (555-0142)",
        purpose="Coordinating care",
        expires="December 31, 2027",
    )


def test_without_the_box_only_the_invitation_goes(signed_in: SignedIn) -> None:
    person = _avery()

    page = _invite(signed_in(_therapist(person.client)), person)

    assert "An invitation to sign in is on its way to Avery Example by email." in page
    assert not PacketItem.objects.exists()


def test_paperwork_already_waiting_is_not_sent_twice_and_the_office_is_told(
    owner: User, signed_in: SignedIn
) -> None:
    person = _avery()
    services.packet_send(client=person.client, people=[person], actor=None, now=NOW)

    page = _invite(signed_in(owner), person, paperwork="1")

    assert "An invitation to sign in is on its way to Avery Example by email." in page
    assert "The practice's paperwork is already waiting for them to sign." in page
    assert PacketItem.objects.filter(person=person).count() == 4


def test_a_practice_manager_invites_but_a_posted_box_sends_no_paperwork(
    practice_manager: User, signed_in: SignedIn
) -> None:
    person = _avery()

    page = _invite(signed_in(practice_manager), person, paperwork="1")

    assert "An invitation to sign in is on its way to Avery Example by email." in page
    assert Invitation.objects.filter(account__person=person).count() == 1
    assert not PacketItem.objects.exists()


def test_someone_who_cannot_be_invited_is_sent_no_paperwork_either(
    owner: User, signed_in: SignedIn
) -> None:
    person = person_of(client_make(("Avery Example", "")))

    page = _invite(signed_in(owner), person, paperwork="1")

    assert "has no email address or number that allows texts" in page
    assert not PacketItem.objects.exists()
    assert not Invitation.objects.exists()
