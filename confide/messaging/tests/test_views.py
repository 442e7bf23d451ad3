"""Who reads which messages: each person their own, the clinician and owner, never a manager."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.clients.models import Person
from confide.keys.ring import forget_verified_keys, keyring
from confide.messaging import services
from confide.messaging.models import Attachment, Message

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _written(
    person: Person, body: str = "A question about next week", file: bool = True
) -> Message:
    upload = services.Upload("photo.png", PNG) if file else None
    return services.message_send_by_person(
        person=person, body=body, upload=upload, now=timezone.now()
    )


def test_a_person_writes_with_a_file_and_sees_it_sent(
    person: Person, portal_browser: Callable[[Person], Browser]
) -> None:
    browser = portal_browser(person)
    page = browser.get("/portal/messages/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "not read around the clock" in text
    assert "two business days" in text
    assert "988" in text
    assert "911" in text

    response = browser.post(
        "/portal/messages/",
        {"body": "Can we talk about Tuesday?", "file": SimpleUploadedFile("scan.png", PNG)},
    )
    assert response.status_code == 302
    sent = browser.get("/portal/messages/").content.decode()
    assert "Can we talk about Tuesday?" in sent
    assert "scan.png" in sent
    attachment = Attachment.objects.get()
    download = browser.get(f"/portal/messages/files/{attachment.uid}/")
    assert download.status_code == 200
    assert download.content == PNG
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_refused_file_is_explained_next_to_the_form(
    person: Person, portal_browser: Callable[[Person], Browser]
) -> None:
    response = portal_browser(person).post(
        "/portal/messages/",
        {"body": "here", "file": SimpleUploadedFile("notes.docx", b"PK\x03\x04\x14\x00")},
    )
    assert response.status_code == 400
    assert "can&#x27;t be sent here" in response.content.decode()
    assert not Message.objects.exists()


def test_crisis_words_show_the_crisis_panel_at_once_and_send_the_message(
    person: Person, portal_browser: Callable[[Person], Browser]
) -> None:
    browser = portal_browser(person)
    response = browser.post(
        "/portal/messages/", {"body": "I don't want to be alive anymore"}, follow=True
    )
    text = response.content.decode()
    assert "If things feel like too much right now" in text
    assert 'href="tel:988"' in text
    assert 'href="tel:911"' in text
    assert "detect" not in text.lower()
    assert "Your message was sent." in text
    assert Message.objects.get().flagged_at is not None


def test_an_ordinary_message_shows_no_crisis_panel(
    person: Person, portal_browser: Callable[[Person], Browser]
) -> None:
    browser = portal_browser(person)
    text = browser.post("/portal/messages/", {"body": "Running late"}, follow=True).content.decode()
    assert "If things feel like too much right now" not in text


def test_another_client_cannot_read_a_thread_or_its_file(
    person: Person,
    partners: tuple[Person, Person],
    portal_browser: Callable[[Person], Browser],
) -> None:
    _written(person, "CANARY-of-sam")
    attachment = Attachment.objects.get()
    alex, jordan = partners
    for other in (alex, jordan):
        browser = portal_browser(other)
        assert "CANARY-of-sam" not in browser.get("/portal/messages/").content.decode()
        assert browser.get(f"/portal/messages/files/{attachment.uid}/").status_code == 404


def test_a_partner_cannot_read_the_other_partners_messages(
    partners: tuple[Person, Person], portal_browser: Callable[[Person], Browser], owner: User
) -> None:
    alex, jordan = partners
    _written(alex, "CANARY-alex-alone")
    services.message_send_by_staff(
        person=alex, user=owner, body="CANARY-reply-to-alex", upload=None, request=None,
        now=timezone.now(),
    )  # fmt: skip
    files = list(Attachment.objects.values_list("uid", flat=True))
    browser = portal_browser(jordan)
    text = browser.get("/portal/messages/").content.decode()
    assert "CANARY" not in text
    for uid in files:
        assert browser.get(f"/portal/messages/files/{uid}/").status_code == 404
    assert "CANARY-alex-alone" in portal_browser(alex).get("/portal/messages/").content.decode()


def test_the_clinician_reads_audited_and_answers(
    person: Person, signed_in: Any, owner: User, portal_browser: Callable[[Person], Browser]
) -> None:
    from confide.accounts.models import StaffProfile

    clinician_user = StaffProfile.objects.get(clinician=person.client.clinician).user
    _written(person, "Is Thursday still on?")
    office = signed_in(clinician_user)
    listing = office.get("/office/messages/").content.decode()
    assert person.name in listing
    assert "1 unread" in listing
    page = office.get(f"/office/messages/people/{person.uid}/")
    assert page.status_code == 200
    assert "Is Thursday still on?" in page.content.decode()
    assert AuditEvent.objects.filter(
        target_uid=person.uid, action="view", summary="messages read", actor=clinician_user
    ).exists()
    attachment = Attachment.objects.get()
    download = office.get(f"/office/messages/files/{attachment.uid}/")
    assert download.status_code == 200
    assert download.content == PNG
    assert AuditEvent.objects.filter(
        target_uid=attachment.uid, summary="attachment opened"
    ).exists()

    reply = office.post(f"/office/messages/people/{person.uid}/", {"body": "Yes, at 10."})
    assert reply.status_code == 302
    seen = portal_browser(person).get("/portal/messages/").content.decode()
    assert "Yes, at 10." in seen
    assert f"{person.client.clinician.name} · " in seen


def test_the_office_marks_a_flag_followed_up(person: Person, signed_in: Any, owner: User) -> None:
    message = _written(person, "I keep thinking about ending it all", file=False)
    office = signed_in(owner)
    today = office.get("/office/").content.decode()
    assert "Messages flagged for a follow-up" in today
    assert person.name in today
    client_page = office.get(f"/office/clients/{person.client.uid}/").content.decode()
    assert 'id="message-flags-heading"' in client_page
    assert f"#follow-up-{message.uid}" in client_page
    thread = office.get(f"/office/messages/people/{person.uid}/").content.decode()
    assert f'id="follow-up-{message.uid}"' in thread
    assert "Reviewed the safety plan" in thread
    # Without a kind, nothing is recorded and the office says why.
    refused = office.post(f"/office/messages/flags/{message.uid}/followed-up/", follow=True)
    assert "This field is required" in refused.content.decode()
    message.refresh_from_db()
    assert message.needs_follow_up()
    response = office.post(
        f"/office/messages/flags/{message.uid}/followed-up/",
        {"kind": "other", "note": "Spoke by phone; they are with a friend tonight."},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.followed_up_by == owner
    assert message.followed_up_at is not None
    assert message.follow_up == "other"
    assert "Messages flagged for a follow-up" not in office.get("/office/").content.decode()
    client_page = office.get(f"/office/clients/{person.client.uid}/").content.decode()
    assert 'id="message-flags-heading"' not in client_page
    thread = office.get(f"/office/messages/people/{person.uid}/").content.decode()
    assert "followed up by owner" in thread
    assert "Other. Spoke by phone; they are with a friend tonight." in thread


def test_the_office_sees_what_a_message_was_flagged_for_and_the_person_does_not(
    person: Person, signed_in: Any, owner: User, portal_browser: Callable[[Person], Browser]
) -> None:
    _written(person, "I am going to kill myself", file=False)
    _written(person, "A question about next week", file=False)
    office = signed_in(owner)
    labels = "Thoughts of dying or of suicide; A plan or an intent to act"
    today = office.get("/office/").content.decode()
    assert labels in today
    thread = office.get(f"/office/messages/people/{person.uid}/").content.decode()
    assert thread.count(labels) == 1
    assert thread.count("flagged ") == 1
    mine = portal_browser(person).get("/portal/messages/").content.decode()
    assert "Thoughts of dying" not in mine
    assert "flagged" not in mine.lower()


def test_the_office_says_when_the_words_that_flagged_are_in_the_attached_file(
    person: Person, signed_in: Any, owner: User
) -> None:
    services.message_send_by_person(
        person=person,
        body="Something I wrote",
        upload=services.Upload("letter.txt", b"I am going to kill myself"),
        now=timezone.now(),
    )
    office = signed_in(owner)
    said = "Thoughts of dying or of suicide; A plan or an intent to act, in the attached file"
    assert said in office.get("/office/").content.decode()
    assert said in office.get(person.client.get_absolute_url()).content.decode()
    assert said in office.get(f"/office/messages/people/{person.uid}/").content.decode()


def test_the_office_says_not_flagged_for_a_message_and_never_safe(
    person: Person, signed_in: Any, owner: User, portal_browser: Callable[[Person], Browser]
) -> None:
    _written(person, "Running ten minutes late, sorry", file=False)
    _written(person, "I want to die", file=False)
    office = signed_in(owner)
    office.post(f"/office/messages/people/{person.uid}/", {"body": "No problem, see you soon."})
    html = office.get(f"/office/messages/people/{person.uid}/").content.decode()
    listed = re.search(r'<ol class="messaging-list".*?</ol>', html, re.S)
    assert listed is not None
    items = re.findall(r"<li .*?</li>", listed.group(0), re.S)
    assert len(items) == 3
    said = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    assert "Not flagged" in said[0]
    assert "Not flagged" not in said[1]
    assert "flagged" in said[1]
    assert "flagged" not in said[2].lower()  # the practice's own words are not screened
    assert not re.search(r"\bsafe\b", listed.group(0), re.I)
    mine = portal_browser(person).get("/portal/messages/").content.decode()
    assert "Not flagged" not in mine


def test_a_practice_manager_never_reads_messages(
    person: Person, signed_in: Any, practice_manager: User
) -> None:
    message = _written(person, "CANARY-not-for-the-manager")
    attachment = Attachment.objects.get()
    services.message_send_by_person(
        person=person, body="I want to die", upload=None, now=timezone.now()
    )
    office = signed_in(practice_manager)
    for url in (
        "/office/messages/",
        f"/office/messages/people/{person.uid}/",
        f"/office/messages/files/{attachment.uid}/",
    ):
        response = office.get(url)
        assert response.status_code == 403, url
        assert b"CANARY" not in response.content
    assert office.post(f"/office/messages/flags/{message.uid}/followed-up/").status_code == 403
    client_page = office.get(f"/office/clients/{person.client.uid}/").content.decode()
    assert "CANARY" not in client_page
    assert 'id="message-flags-heading"' not in client_page
    today = office.get("/office/").content.decode()
    assert "flagged" not in today.lower()
    assert "Thoughts of dying" not in today


def test_another_clinician_finds_nothing(person: Person, signed_in: Any, colleague: User) -> None:
    message = _written(person)
    attachment = Attachment.objects.get()
    office = signed_in(colleague)
    assert person.name not in office.get("/office/messages/").content.decode()
    assert office.get(f"/office/messages/people/{person.uid}/").status_code == 404
    assert office.get(f"/office/messages/files/{attachment.uid}/").status_code == 404
    assert office.post(f"/office/messages/flags/{message.uid}/followed-up/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/portal/messages/", "/portal/messages/files/00000000-0000-0000-0000-000000000001/"]
)
def test_nobody_signed_in_is_sent_to_sign_in(demo: None, path: str) -> None:
    response = Browser().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/sign-in/")


def test_the_client_page_links_each_persons_messages(
    partners: tuple[Person, Person], signed_in: Any, owner: User
) -> None:
    alex, jordan = partners
    services.message_send_by_person(
        person=alex, body="hi", upload=None, now=timezone.now() - dt.timedelta(minutes=1)
    )
    page = signed_in(owner).get(f"/office/clients/{alex.client.uid}/").content.decode()
    assert f"/office/messages/people/{alex.uid}/" in page
    assert f"/office/messages/people/{jordan.uid}/" in page


def _queries(office: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert office.get(path).status_code == 200
    return len(captured)


@pytest.fixture
def keys_verified(django_capture_on_commit_callbacks: Callable[..., Any]) -> Iterator[None]:
    """Check the data keys once, as a process does; a test's transaction never commits it."""
    with django_capture_on_commit_callbacks(execute=True):
        keyring()
    yield
    forget_verified_keys()


def test_the_messages_list_costs_the_same_queries_for_many_threads(
    demo: None, signed_in: Any, owner: User, keys_verified: None
) -> None:
    # Today opens each flagged message shown to name what was flagged: the keys are checked
    # once per process, not once per message.
    from confide.portal.tests.helpers import client_make, person_of

    def write(count: int) -> None:
        for n in range(count):
            someone = person_of(client_make((f"Person {n}", f"p{n}@example.org")))
            services.message_send_by_person(
                person=someone, body="I want to die" if n % 2 else "hi", upload=None,
                now=timezone.now(),
            )  # fmt: skip

    office = signed_in(owner)
    write(2)
    few = (_queries(office, "/office/messages/"), _queries(office, "/office/"))
    write(10)
    many = (_queries(office, "/office/messages/"), _queries(office, "/office/"))
    assert many == few
