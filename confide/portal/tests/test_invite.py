"""The office invites a person to the portal; the invitation says nothing about therapy."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client as Browser
from django.urls import reverse

from confide.audit.models import AuditEvent
from confide.billing.models import BillingSettings
from confide.clients.models import Client, Person
from confide.notifications.models import OutboxMessage
from confide.notifications.tests.factories import FORBIDDEN_WORDS, words_outside_links
from confide.portal.models import Invitation, PortalAccount, SignInCode
from confide.portal.services import portal_access_close, portal_invite
from confide.portal.tests.helpers import client_make, person_of, portal_tasks_run
from confide.practice.models import Practice

pytestmark = pytest.mark.usefixtures("demo")


def _invite_url(person: Person) -> str:
    return reverse("office:portal_invite", args=[person.client.uid, person.pk])


def _couple() -> Client:
    return client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))


def test_the_owner_invites_each_partner_of_a_couple_separately(
    owner: User, signed_in: Callable[..., Browser]
) -> None:
    couple = _couple()
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    browser = signed_in(owner)

    response = browser.post(_invite_url(dana), follow=True)

    page = html.unescape(response.content.decode())
    assert "An invitation to sign in is on its way to Dana Example by email." in page
    assert PortalAccount.objects.filter(person=dana).exists()
    assert not PortalAccount.objects.filter(person=kai).exists()
    portal_tasks_run()
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]
    event = AuditEvent.objects.get(action="portal_invite")
    assert (event.target_uid, event.client_uid, event.actor) == (dana.uid, couple.uid, owner)


def test_the_client_page_shows_an_invite_button_per_person_and_the_state(
    owner: User, signed_in: Callable[..., Browser]
) -> None:
    couple = _couple()
    dana = person_of(couple, 0)
    browser = signed_in(owner)

    before = html.unescape(browser.get(couple.get_absolute_url()).content.decode())
    assert "Invite Dana Example to the portal" in before
    assert "Invite Kai Example to the portal" in before
    browser.post(_invite_url(dana))
    after = html.unescape(browser.get(couple.get_absolute_url()).content.decode())
    assert "Invite Dana Example to the portal again" in after
    assert "not signed in yet" in after


def test_the_clients_clinician_and_the_practice_manager_may_invite(
    practice_manager: User, signed_in: Callable[..., Browser]
) -> None:
    from confide.accounts.models import StaffProfile

    person = person_of(client_make(("Avery Example", "avery@example.org")))
    therapist = StaffProfile.objects.get(clinician=person.client.clinician).user

    for user in (therapist, practice_manager):
        response = signed_in(user).post(_invite_url(person))
        assert response.status_code == 302

    assert Invitation.objects.filter(account__person=person).count() == 2


def test_another_clinician_cannot_invite_someone_elses_client(
    colleague: User, signed_in: Callable[..., Browser]
) -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))

    response = signed_in(colleague).post(_invite_url(person))

    assert response.status_code == 404
    assert not PortalAccount.objects.exists()


def test_a_person_of_another_client_is_not_found(
    owner: User, signed_in: Callable[..., Browser]
) -> None:
    one = client_make(("Avery Example", "avery@example.org"))
    other = person_of(client_make(("Blair Example", "blair@example.org")))

    response = signed_in(owner).post(reverse("office:portal_invite", args=[one.uid, other.pk]))

    assert response.status_code == 404


def test_inviting_takes_a_post(owner: User, signed_in: Callable[..., Browser]) -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))

    assert signed_in(owner).get(_invite_url(person)).status_code == 405


def test_someone_with_no_way_to_be_reached_is_not_invited(
    owner: User, signed_in: Callable[..., Browser]
) -> None:
    person = person_of(client_make(("Avery Example", ""), phone="212-555-0150", may_text=False))

    response = signed_in(owner).post(_invite_url(person), follow=True)

    assert "has no email address or number that allows texts" in html.unescape(
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_the_invitation_email_is_discreet_and_links_to_sign_in() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    portal_invite(person=person, actor=_anonymous(), request=None)
    portal_tasks_run()

    (message,) = mail.outbox
    assert message.subject == "You're invited to sign in"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    html_body = _html(message)
    for text in (message.subject, str(message.body), _visible(html_body)):
        words = words_outside_links(text)
        assert not [w for w in FORBIDDEN_WORDS if w in words], text
    assert "/portal/sign-in/" in message.body
    assert "Example" not in message.body
    assert Invitation.objects.get().sent_at is not None


@pytest.mark.parametrize("billing", [True, False])
def test_the_invitation_says_plainly_what_the_person_can_do_there(billing: bool) -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"enabled": billing})
    emailed = person_of(client_make(("Avery Example", "avery@example.org")))
    texted = person_of(client_make(("Casey Example", ""), phone="212-555-0142", may_text=True))
    Practice.objects.update(quiet_hours_start=dt.time(0), quiet_hours_end=dt.time(0))
    for person in (emailed, texted):
        portal_invite(person=person, actor=_anonymous(), request=None)
    portal_tasks_run()

    (message,) = mail.outbox
    (text,) = [t.text for t in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)]
    email_parts = [str(message.body), " ".join(_visible(_html(message)).split())]
    for said in email_parts:
        for thing in (
            "appointments",
            "paperwork",
            "messages",
            "questionnaires",
            "your plan",
            "your record",
        ):
            assert thing in said, (thing, said)
        assert ("payments" in said) is billing
        assert "later" not in said
    assert "paperwork" in text
    assert "messages" in text
    for said in (*email_parts, text):
        words = words_outside_links(said)
        assert not [w for w in FORBIDDEN_WORDS if w in words], said


def test_the_sign_in_code_email_and_text_are_discreet() -> None:
    emailed = person_of(client_make(("Avery Example", "avery@example.org")))
    texted = person_of(client_make(("Casey Example", ""), phone="212-555-0142", may_text=True))
    # An invitation by text waits out quiet hours; this test reads it at any time of day.
    Practice.objects.update(quiet_hours_start=dt.time(0), quiet_hours_end=dt.time(0))
    for person in (emailed, texted):
        portal_invite(person=person, actor=_anonymous(), request=None)
    portal_tasks_run()
    mail.outbox.clear()
    Browser().post("/portal/sign-in/", {"address": "avery@example.org"})
    Browser().post("/portal/sign-in/", {"address": "212-555-0142"})
    portal_tasks_run()

    (message,) = mail.outbox
    texts = [t.text for t in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)]
    assert len(texts) == 2  # the invitation and the code
    assert message.subject == "Your sign-in code"
    html_body = _html(message)
    for text in (message.subject, str(message.body), _visible(html_body), *texts):
        words = words_outside_links(text)
        assert not [w for w in FORBIDDEN_WORDS if w in words], text
        assert "Example" not in text


def test_partners_sharing_an_address_each_get_their_own_named_code() -> None:
    couple = client_make(("Dana Example", "home@example.org"), ("Kai Example", "home@example.org"))
    for person in couple.people.all():
        portal_invite(person=person, actor=_anonymous(), request=None)
    portal_tasks_run()
    mail.outbox.clear()
    browser = Browser()
    browser.post("/portal/sign-in/", {"address": "home@example.org"})
    portal_tasks_run()

    bodies = sorted(str(m.body) for m in mail.outbox)
    assert [b.split(":")[0] for b in bodies] == ["For Dana", "For Kai"]
    kais = re.search(r"code is (\d{3} \d{3})", bodies[1])
    assert kais
    browser.post("/portal/sign-in/code/", {"code": kais.group(1)})
    assert browser.session["confide.portal.person"] == person_of(couple, 1).pk


def test_a_duplicate_task_sends_nothing_twice() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    invitation = portal_invite(person=person, actor=_anonymous(), request=None)
    from confide.portal.tasks import send_invitation

    send_invitation.enqueue(invitation.pk)
    said = portal_tasks_run()

    assert said == ["sent", "already sent"]
    assert len(mail.outbox) == 1


def test_a_code_asked_for_is_forgotten_once_used_even_if_not_yet_sent() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    portal_invite(person=person, actor=_anonymous(), request=None)
    portal_tasks_run()
    Browser().post("/portal/sign-in/", {"address": "avery@example.org"})
    SignInCode.objects.update(used_at=SignInCode.objects.get().created_at, secret_sealed="")

    assert portal_tasks_run() == ["already used or sent"]


def _html(message: object) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def _visible(html_text: str) -> str:
    """Return the words a reader sees in an HTML email: no tags, no style block."""
    without_style = re.sub(r"<style.*?</style>", " ", html_text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_style))


def _anonymous() -> AnonymousUser:
    return AnonymousUser()


def test_closing_access_signs_the_person_out_and_an_invitation_reopens_it(
    owner: User, signed_in: Callable[..., Browser]
) -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    office = signed_in(owner)
    office.post(_invite_url(person))
    portal_tasks_run()
    portal = Browser()
    portal.post("/portal/sign-in/", {"address": "avery@example.org"})
    portal_tasks_run()
    code = re.search(r"code is (\d{3} \d{3})", str(mail.outbox[-1].body))
    assert code
    portal.post("/portal/sign-in/code/", {"code": code.group(1)})
    assert portal.get("/portal/").status_code == 200
    waiting = Browser()
    waiting.post("/portal/sign-in/", {"address": "avery@example.org"})

    response = office.post(reverse("office:portal_close", args=[person.client.uid, person.pk]))

    assert response.status_code == 302
    assert portal.get("/portal/")["Location"].startswith("/portal/sign-in/")
    # A code asked for before closing no longer works either.
    assert portal_tasks_run() == ["already used or sent"]
    assert AuditEvent.objects.filter(action="portal_close", target_uid=person.uid).exists()
    page = html.unescape(office.get(person.client.get_absolute_url()).content.decode())
    assert "Portal: access closed." in page
    office.post(_invite_url(person))
    assert PortalAccount.objects.get(person=person).active


def test_another_clinician_cannot_close_someone_elses_access(
    colleague: User, signed_in: Callable[..., Browser]
) -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    portal_invite(person=person, actor=_anonymous(), request=None)

    response = signed_in(colleague).post(
        reverse("office:portal_close", args=[person.client.uid, person.pk])
    )

    assert response.status_code == 404
    assert PortalAccount.objects.get(person=person).active


def test_an_invitation_queued_before_access_was_closed_is_not_sent() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    portal_invite(person=person, actor=_anonymous(), request=None)
    portal_access_close(person=person, actor=_anonymous(), request=None)

    assert portal_tasks_run() == ["access closed"]
    assert mail.outbox == []
