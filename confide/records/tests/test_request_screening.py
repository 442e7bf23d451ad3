"""What a person writes in a request about their record goes through the crisis screen."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.contrib.auth.models import User

from confide.audit.models import AuditEvent
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in
from confide.records.models import RecordRequest, RequestFlag
from confide.records.tests.test_records import page

pytestmark = pytest.mark.usefixtures("demo")
WORDS = "Honestly I keep thinking everyone would be better off without me."
PANEL = "You don't have to carry this alone."
TODAY = "Flagged requests about a record"


def _send(person: Any, what: str, why: str = "") -> None:
    response = portal_signed_in(person).post(
        "/portal/record/requests/new/", {"kind": "deletion", "what": what, "why": why}
    )
    # Screening never stops a request: it is kept and the person goes on to their record.
    assert response.status_code == 302


def _office(browser: Any, url: str) -> str:
    return html.unescape(browser.get(url).content.decode())


def test_flagged_words_are_kept_and_the_person_sees_where_to_get_help_at_once() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)

    _send(person, "All of it, please.", WORDS)

    row = RecordRequest.objects.get()
    assert row.why == WORDS
    flag = RequestFlag.objects.get()
    assert (flag.request, flag.person, flag.client) == (row, person, client)
    assert flag.followed_up_at is None
    assert PANEL in page(portal_signed_in(person))


def test_ordinary_words_raise_no_flag_and_show_no_panel() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)

    _send(person, "The date of my first visit", "It was a Tuesday, not a Monday.")

    assert RecordRequest.objects.count() == 1
    assert not RequestFlag.objects.exists()
    assert PANEL not in page(portal_signed_in(person))


def test_the_flag_is_first_for_the_owner_and_clinician_never_a_practice_manager(
    owner: User, practice_manager: User, colleague: User, signed_in: Any
) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    _send(person_of(client), WORDS)

    today = _office(signed_in(owner), "/office/")
    assert TODAY in today
    assert "better off without me" in today
    detail = _office(signed_in(owner), client.get_absolute_url())
    assert TODAY in detail
    assert detail.index(TODAY) < detail.index("Requests about the record")

    for user in (practice_manager, colleague):
        assert TODAY not in _office(signed_in(user), "/office/")
    manager_page = _office(signed_in(practice_manager), client.get_absolute_url())
    assert TODAY not in manager_page
    assert "better off without me" not in manager_page


def test_a_follow_up_takes_the_flag_off_today_but_not_off_the_request(
    owner: User, signed_in: Any
) -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    _send(person, WORDS)
    flag = RequestFlag.objects.get()
    row = flag.request
    browser = signed_in(owner)
    url = f"/office/record-requests/{row.uid}/"
    prefix = f"flag{flag.pk}"

    assert "the crisis screen flagged the words" in _office(browser, url)
    # "Other" needs a few words: the flag stays open without them.
    browser.post(url, {"flag": str(flag.uid), f"{prefix}-kind": "other", f"{prefix}-note": ""})
    flag.refresh_from_db()
    assert flag.followed_up_at is None
    assert browser.post(url, {"flag": "not-a-flag"}).status_code == 404

    done = browser.post(
        url,
        {
            "flag": str(flag.uid),
            f"{prefix}-kind": "contacted",
            f"{prefix}-note": "Called and talked it through.",
        },
    )
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.follow_up == "contacted"
    assert flag.followed_up_by == owner
    assert flag.follow_up_note == "Called and talked it through."
    assert "Called and talked" not in repr(
        RequestFlag.objects.filter(pk=flag.pk).values_list("follow_up_note_sealed", flat=True)[0]
    )
    assert AuditEvent.objects.filter(target_type="recordrequest_flag", actor=owner).exists()
    row.refresh_from_db()
    assert row.is_waiting  # following up the flag is not answering the request

    assert TODAY not in _office(browser, "/office/")
    assert TODAY not in _office(browser, client.get_absolute_url())
    request_page = _office(browser, url)
    assert "Follow-up recorded" in request_page
    assert "Called and talked it through." in request_page
    assert PANEL not in page(portal_signed_in(person))


def test_a_partners_flag_stays_out_of_the_other_partners_log(owner: User, signed_in: Any) -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    dana, kai = person_of(couple, 0), person_of(couple, 1)
    _send(kai, WORDS)
    flag = RequestFlag.objects.get()
    signed_in(owner).post(
        f"/office/record-requests/{flag.request.uid}/",
        {"flag": str(flag.uid), f"flag{flag.pk}-kind": "contacted"},
    )
    assert PANEL not in page(portal_signed_in(dana))
    assert "Nobody in the practice has opened your record yet" in page(portal_signed_in(dana))
    assert "your request about your record" in page(portal_signed_in(kai))
