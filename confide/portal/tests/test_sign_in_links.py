"""A sign-in link's own failures, and a code typed in a browser that did not ask for it."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client as Browser
from django.utils import timezone

from confide.portal.access import PERSON
from confide.portal.models import SignInCode
from confide.portal.services import MAX_ATTEMPTS
from confide.portal.tests.test_sign_in import CODE, _ask, _enter, _invited, _sent_code

pytestmark = pytest.mark.usefixtures("demo")


def _path(link: str) -> str:
    return link.split("127.0.0.1:8000", 1)[-1]


def _press(browser: Browser, link: str) -> tuple[int, str]:
    response = browser.post(_path(link))
    return response.status_code, html.unescape(response.content.decode())


def test_an_expired_link_says_so_and_signs_in_nobody() -> None:
    _invited()
    _ask(Browser(), "avery@example.org")
    _, link = _sent_code()
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    browser = Browser()

    status, page = _press(browser, link)

    assert status == 400
    assert "That sign-in link has expired: links work for 15 minutes." in page
    assert PERSON not in browser.session


def test_a_link_whose_code_was_guessed_at_too_often_no_longer_works() -> None:
    _invited()
    asking = Browser()
    _ask(asking, "avery@example.org")
    code, link = _sent_code()
    wrong = "000000" if code.replace(" ", "") != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        _enter(asking, wrong)
    browser = Browser()

    status, page = _press(browser, link)

    assert status == 400
    assert "tried too many times, so its link no longer works" in page
    assert PERSON not in browser.session


def test_a_link_used_by_its_code_first_says_it_was_used() -> None:
    _invited()
    asking = Browser()
    _ask(asking, "avery@example.org")
    code, link = _sent_code()
    _enter(asking, code)
    browser = Browser()

    status, page = _press(browser, link)

    assert status == 400
    assert "That sign-in link has already been used." in page
    assert PERSON not in browser.session


def test_a_code_typed_in_a_browser_that_did_not_ask_signs_in_nobody() -> None:
    _invited()
    _ask(Browser(), "avery@example.org")
    code, _ = _sent_code()
    elsewhere = Browser()

    response = elsewhere.post(CODE, {"code": code})

    # With no code asked for here, the page sends the person to ask for one.
    assert response.status_code == 302
    assert response["Location"] == "/portal/sign-in/"
    assert PERSON not in elsewhere.session
    assert SignInCode.objects.get().used_at is None
    page = html.unescape(elsewhere.get(response["Location"]).content.decode())
    assert "A code works only in the browser where it was asked for." in page


def test_pressing_made_up_links_is_rate_limited_per_connection() -> None:
    browser = Browser()
    responses = [browser.post(f"/portal/sign-in/link/made-up-{n}/") for n in range(21)]

    assert [r.status_code for r in responses[:20]] == [400] * 20
    assert responses[20].status_code == 429
    assert "paused for a few minutes" in html.unescape(responses[20].content.decode())
