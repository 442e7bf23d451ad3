"""Signing in to the portal with a one-time code or link, and what a code never does."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.audit.models import AuditEvent
from confide.clients.models import Person
from confide.notifications.models import OutboxMessage
from confide.portal.access import PERSON, SEEN_AT
from confide.portal.models import PortalAccount, SignInCode
from confide.portal.services import MAX_ATTEMPTS, portal_invite, sign_in_codes_request
from confide.portal.tests.helpers import client_make, person_of, portal_tasks_run, session_make

pytestmark = pytest.mark.usefixtures("demo")

SIGN_IN = "/portal/sign-in/"
CODE = "/portal/sign-in/code/"
HOME = "/portal/"


def _invited(name: str = "Avery Example", email: str = "avery@example.org") -> Person:
    person = person_of(client_make((name, email)))
    portal_invite(person=person, actor=_system(), request=None)
    portal_tasks_run()
    mail.outbox.clear()
    return person


def _system() -> AnonymousUser:
    return AnonymousUser()


def _ask(browser: Browser, address: str) -> str:
    """Ask for a code; return the page the browser lands on."""
    response = browser.post(SIGN_IN, {"address": address}, follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _sent_code() -> tuple[str, str]:
    """Send what is queued and return the code and link of the newest email."""
    portal_tasks_run()
    body = str(mail.outbox[-1].body)
    code = re.search(r"code is (\d{3} \d{3})", body)
    link = re.search(r"(http\S+/portal/sign-in/link/\S+/)", body)
    assert code, body
    assert link, body
    return code.group(1), link.group(1)


def _enter(browser: Browser, code: str) -> str:
    response = browser.post(CODE, {"code": code}, follow=True)
    return html.unescape(response.content.decode())


def test_a_person_signs_in_with_the_code_sent_to_their_address() -> None:
    person = _invited()
    browser = Browser()
    before = browser.session.session_key
    _ask(browser, "Avery@Example.org ")
    code, _ = _sent_code()

    page = _enter(browser, code.replace(" ", "-"))

    assert "Your appointments" in page
    assert browser.session[PERSON] == person.pk
    # Not a staff sign-in, and the session key changed at sign-in.
    assert "_auth_user_id" not in browser.session
    assert browser.session.session_key != before
    assert AuditEvent.objects.filter(action="portal_sign_in", target_uid=person.uid).exists()


def test_the_code_field_accepts_a_pasted_code() -> None:
    page = html.unescape(Browser().get(SIGN_IN).content.decode())
    assert 'name="address"' in page
    browser = Browser()
    _invited()
    _ask(browser, "avery@example.org")
    code_page = html.unescape(browser.get(CODE).content.decode())

    assert 'autocomplete="one-time-code"' in code_page
    assert 'inputmode="numeric"' in code_page


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent() -> None:
    _invited()
    known, unknown = Browser(), Browser()

    known_page = _ask(known, "avery@example.org")
    unknown_page = _ask(unknown, "nobody@example.org")
    code, _ = _sent_code()

    assert "If that address is one we know, a code is on its way" in unknown_page
    assert _without_tokens(known_page) == _without_tokens(unknown_page)
    assert [m.to for m in mail.outbox] == [["avery@example.org"]]

    # Wrong codes get the same answers too, word for word, up to the lock and past it.
    wrong = "000000" if code.replace(" ", "") != "000000" else "111111"
    for tries in range(1, MAX_ATTEMPTS + 2):
        known_page = _without_tokens(_enter(known, wrong))
        unknown_page = _without_tokens(_enter(unknown, wrong))
        assert known_page == unknown_page, f"after {tries} wrong codes"
        if tries < MAX_ATTEMPTS:
            left = MAX_ATTEMPTS - tries
            assert f"{left} {'tries' if left != 1 else 'try'} left." in unknown_page
        else:
            assert "tried too many times" in unknown_page
    # The real code keeps its own count, and is locked too.
    assert SignInCode.objects.get().failed_attempts == MAX_ATTEMPTS
    assert "tried too many times" in _enter(known, code)
    assert PERSON not in known.session


def _writes(address: str) -> list[str]:
    """Return the tables written while asking for a code at ``address``, in order."""
    with CaptureQueriesContext(connection) as queries:
        sign_in_codes_request(address=address, now=timezone.now())
    found = (re.match(r'\s*INSERT INTO "?(\w+)', q["sql"]) for q in queries.captured_queries)
    return [match.group(1) for match in found if match]


def test_an_unknown_address_does_the_work_of_a_known_one_and_keeps_nothing() -> None:
    _invited()
    tasks = DBTaskResult.objects.count()

    known = _writes("avery@example.org")
    unknown = _writes("nobody@example.org")

    # The same rows are written, a code and its task, so that both take about as long.
    assert known == unknown
    assert "portal_signincode" in unknown
    # The unknown address's are gone again: one code and one task remain, the known one's.
    assert SignInCode.objects.count() == 1
    assert DBTaskResult.objects.count() == tasks + 1
    assert portal_tasks_run() == ["sent"]


def test_asking_again_starts_a_new_count_of_wrong_codes() -> None:
    browser = Browser()
    _ask(browser, "nobody@example.org")
    for _ in range(MAX_ATTEMPTS):
        _enter(browser, "000000")
    _ask(browser, "nobody@example.org")

    page = _enter(browser, "000000")

    assert f"{MAX_ATTEMPTS - 1} tries left." in page


def _without_tokens(page: str) -> str:
    # The CSRF token and the CSP nonce differ on every page.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


def test_a_code_works_once() -> None:
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    _enter(browser, code)
    browser.post(reverse("portal:sign_out"))
    # The same browser asks nothing new and types the old code again.
    session = browser.session
    session["confide.portal.pending"] = {
        "handles": list(SignInCode.objects.values_list("handle", flat=True))
    }
    session.save()

    page = _enter(browser, code)

    assert "already been used" in page
    assert PERSON not in browser.session


def test_a_code_expires_after_fifteen_minutes() -> None:
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    page = _enter(browser, code)

    assert "That code has expired" in page
    assert PERSON not in browser.session


def test_a_wrong_code_is_counted_and_the_code_locks_after_a_few_tries() -> None:
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    wrong = "000000" if code.replace(" ", "") != "000000" else "111111"

    first = _enter(browser, wrong)
    assert "That code isn't right" in first
    assert f"{MAX_ATTEMPTS - 1} tries left" in first
    assert SignInCode.objects.get().failed_attempts == 1
    for _ in range(MAX_ATTEMPTS - 1):
        last = _enter(browser, wrong)
    assert "tried too many times" in last

    # Locked: even the right code no longer works.
    page = _enter(browser, code)
    assert "tried too many times" in page
    assert PERSON not in browser.session


def test_a_malformed_code_says_what_is_expected_and_counts_nothing() -> None:
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    _sent_code()

    page = _enter(browser, "12345")

    assert "Enter the 6 digits of your code." in page
    assert SignInCode.objects.get().failed_attempts == 0


def test_a_code_sent_to_one_person_never_signs_in_another() -> None:
    _invited("Avery Example", "avery@example.org")
    _invited("Blair Example", "blair@example.org")
    avery, blair = Browser(), Browser()
    _ask(avery, "avery@example.org")
    averys_code, _ = _sent_code()
    _ask(blair, "blair@example.org")
    _sent_code()

    page = _enter(blair, averys_code)

    assert "That code isn't right" in page
    assert PERSON not in blair.session
    # Avery's own code still works for Avery.
    _enter(avery, averys_code)
    assert avery.session[PERSON] == Person.objects.get(name="Avery Example").pk


def test_guessing_from_one_connection_is_rate_limited() -> None:
    browser = Browser()
    _ask(browser, "nobody@example.org")
    responses = [browser.post(CODE, {"code": "123456"}) for _ in range(21)]

    assert [r.status_code for r in responses[:20]] == [400] * 20
    assert responses[20].status_code == 429
    assert "paused for a few minutes" in html.unescape(responses[20].content.decode())


def test_codes_for_one_person_are_rate_limited() -> None:
    _invited()
    for _ in range(5):
        _ask(Browser(), "avery@example.org")
    portal_tasks_run()

    # Three codes in a quarter of an hour; the page said the same each time.
    assert len(mail.outbox) == 3
    assert SignInCode.objects.count() == 3


def test_codes_for_one_typed_address_are_rate_limited_across_connections() -> None:
    _invited()
    SignInCode.objects.all().delete()
    for index in range(7):
        _ask(Browser(REMOTE_ADDR=f"203.0.113.{index}"), "avery@example.org")
        # Let the person limit pass, to see the address limit alone.
        SignInCode.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))

    assert SignInCode.objects.count() == 5


def test_the_link_signs_in_once_after_a_press_and_not_on_a_mere_visit() -> None:
    person = _invited()
    _ask(Browser(), "avery@example.org")
    _, link = _sent_code()
    path = link.split("127.0.0.1:8000", 1)[-1]
    browser = Browser()

    visit = browser.get(path)
    assert visit.status_code == 200
    assert visit["Referrer-Policy"] == "no-referrer"
    assert PERSON not in browser.session

    browser.post(path)
    assert browser.session[PERSON] == person.pk
    again = Browser().post(path)
    assert "already been used" in html.unescape(again.content.decode())


def test_a_link_that_is_made_up_does_not_sign_in() -> None:
    response = Browser().post(reverse("portal:sign_in_link", args=["made-up-token"]))

    assert response.status_code == 400
    assert "doesn't work" in html.unescape(response.content.decode())


def test_codes_are_stored_only_as_hashes_once_sent() -> None:
    _invited()
    _ask(Browser(), "avery@example.org")
    code, link = _sent_code()
    row = SignInCode.objects.get()

    assert row.secret_sealed == ""
    assert code.replace(" ", "") not in row.code_hash
    assert link.rstrip("/").rsplit("/", 1)[-1] not in row.link_hash


def test_nothing_about_the_person_is_in_any_address() -> None:
    person = _invited()
    browser = Browser()
    locations = []
    response = browser.post(SIGN_IN, {"address": "avery@example.org"})
    locations.append(response["Location"])
    code, link = _sent_code()
    response = browser.post(CODE, {"code": code})
    locations.append(response["Location"])
    words = [str(person.uid), str(person.client.uid), "avery", "example.org"]

    for address in [*locations, link]:
        path = address.split("127.0.0.1:8000", 1)[-1]
        assert path.startswith("/portal/")
        assert not any(word in path.lower() for word in words), path
        # No number in any address: no row id of anything.
        assert not re.search(r"/\d+(/|$)", path), path


def test_a_text_code_goes_only_to_a_number_that_allows_texts() -> None:
    texting = person_of(client_make(("Casey Example", ""), phone="212-555-0142", may_text=True))
    silent = person_of(client_make(("Drew Example", ""), phone="212-555-0143", may_text=False))
    PortalAccount.objects.create(person=silent)
    portal_invite(person=texting, actor=_system(), request=None)
    portal_tasks_run()
    OutboxMessage.objects.all().delete()

    _ask(Browser(), "(212) 555-0142")
    _ask(Browser(), "212 555 0143")
    portal_tasks_run()

    texts = list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT))
    assert [t.to for t in texts] == ["+12125550142"]
    assert re.search(r"sign-in code is \d{3} \d{3}", texts[0].text)


def test_the_portal_session_ends_when_idle(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_SESSION_IDLE_SECONDS = 600
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    _enter(browser, code)
    session = browser.session
    session[SEEN_AT] = session[SEEN_AT] - 601
    session.save()

    response = browser.get(HOME, follow=True)

    assert response.redirect_chain[0][0].startswith(SIGN_IN)
    assert "signed out after 10 minutes without activity" in html.unescape(
        response.content.decode()
    )
    assert PERSON not in browser.session


def test_activity_keeps_the_portal_session_alive(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_SESSION_IDLE_SECONDS = 600
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    _enter(browser, code)
    session = browser.session
    session[SEEN_AT] = session[SEEN_AT] - 500
    session.save()

    assert browser.get(HOME).status_code == 200
    assert browser.session[SEEN_AT] > session[SEEN_AT]


def test_sign_out_ends_the_portal_session() -> None:
    _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    _enter(browser, code)
    home = html.unescape(browser.get(HOME).content.decode())
    assert 'action="/portal/sign-out/"' in home

    response = browser.post(reverse("portal:sign_out"), follow=True)

    assert "You're signed out." in html.unescape(response.content.decode())
    assert PERSON not in browser.session
    assert browser.get(HOME)["Location"].startswith(SIGN_IN)


def test_a_closed_account_is_signed_out_at_the_next_page() -> None:
    person = _invited()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    _enter(browser, code)
    PortalAccount.objects.filter(person=person).update(active=False)

    assert browser.get(HOME)["Location"].startswith(SIGN_IN)
    assert PERSON not in browser.session


def test_a_person_not_signed_in_is_sent_to_sign_in_and_comes_back() -> None:
    response = Browser().get(HOME)

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN + "?next=%2Fportal%2F"


def test_help_now_and_the_way_out_are_on_every_portal_page() -> None:
    _invited()
    browser = Browser()
    pages = [browser.get(SIGN_IN)]
    _ask(browser, "avery@example.org")
    pages.append(browser.get(CODE))
    code, link = _sent_code()
    pages.append(Browser().get(link.split("127.0.0.1:8000", 1)[-1]))
    _enter(browser, code)
    pages.append(browser.get(HOME))

    for page in pages:
        text = html.unescape(page.content.decode())
        assert "Leave this site" in text
        assert 'id="help-now"' in text
        assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


def test_sessions_are_those_of_the_persons_own_client() -> None:
    mine = client_make(("Avery Example", "avery@example.org"))
    theirs = client_make(("Blair Example", "blair@example.org"))
    session_make(mine, start=timezone.now().replace(microsecond=0) + dt.timedelta(days=2))
    other = session_make(theirs, start=timezone.now().replace(microsecond=0) + dt.timedelta(days=4))
    portal_invite(person=person_of(mine), actor=_system(), request=None)
    portal_tasks_run()
    browser = Browser()
    _ask(browser, "avery@example.org")
    code, _ = _sent_code()
    _enter(browser, code)

    page = html.unescape(browser.get(HOME).content.decode())

    assert page.count("Details, move or cancel") == 1
    assert other.manage_token() not in page


@pytest.mark.parametrize(
    ("wanted", "lands"),
    [
        ("/portal/?shown=past", "/portal/?shown=past"),
        ("https://elsewhere.example.org/portal/", HOME),
        ("//elsewhere.example.org/portal/", HOME),
        ("/office/", HOME),
    ],
)
def test_after_signing_in_only_a_portal_address_is_followed(wanted: str, lands: str) -> None:
    _invited()
    browser = Browser()
    asked = browser.post(SIGN_IN, {"address": "avery@example.org", "next": wanted})
    code, _ = _sent_code()

    response = browser.post(asked["Location"], {"code": code})

    assert response["Location"] == lands
