"""Every page under /portal/, found by walking the URL configuration, needs a portal sign-in.

Nothing here lists the portal's pages: a page another app mounts under /portal/ tomorrow is
checked tomorrow. The sign-in pages are the only ones open to anyone. Portal URLs are not office
URLs: the office's access tests (confide/office/tests/test_access.py) walk /office/ only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver

from confide.portal.access import PERSON, SEEN_AT, SIGNED_IN_AT
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make, person_of

pytestmark = pytest.mark.usefixtures("demo")

OPEN_TO_ANYONE = {
    "portal:sign_in",
    "portal:sign_in_code",
    "portal:sign_in_link",
    "portal:sign_in_passkey",
    "portal:sign_in_passkey_options",
    "portal:sign_out",
}


def _walk(patterns: list[Any], prefix: str, names: list[str]) -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            spaces = [*names, entry.namespace] if entry.namespace else names
            yield from _walk(entry.url_patterns, route, spaces)
        elif isinstance(entry, URLPattern):
            yield ":".join([*names, entry.name or ""]), route, entry.callback


def portal_routes() -> list[tuple[str, str, Any]]:
    return [r for r in _walk(get_resolver().url_patterns, "", []) if r[1].startswith("portal/")]


def _sample(route: str) -> str:
    """Return an address for the route with made-up arguments (nobody's)."""
    path = route
    for kind, value in (("uuid", str(uuid.UUID(int=1))), ("int", "1"), ("str", "sample")):
        while f"<{kind}:" in path:
            start = path.index(f"<{kind}:")
            path = path[:start] + value + path[path.index(">", start) + 1 :]
    return "/" + path


PROTECTED = [r for r in portal_routes() if r[0] not in OPEN_TO_ANYONE]


def test_the_walk_finds_the_portal() -> None:
    names = {name for name, _, _ in portal_routes()}
    assert {"portal:home", "portal:sign_in", "portal:appointment"} <= names


@pytest.mark.parametrize(("name", "route", "callback"), PROTECTED, ids=[r[0] for r in PROTECTED])
def test_every_portal_page_declares_portal_view(name: str, route: str, callback: Any) -> None:
    assert getattr(callback, "portal_view", False), f"{name} (/{route}) needs @portal_view"


@pytest.mark.parametrize(("name", "route", "callback"), PROTECTED, ids=[r[0] for r in PROTECTED])
def test_every_portal_page_sends_a_stranger_to_sign_in(
    name: str, route: str, callback: Any, owner: User, signed_in: Any
) -> None:
    url = _sample(route)
    # Nobody, and a member of staff signed in to the office: neither is a portal person.
    for browser in (Browser(), signed_in(owner)):
        for response in (browser.get(url), browser.post(url)):
            assert response.status_code == 302, (name, response.status_code)
            assert response["Location"].startswith("/portal/sign-in/"), name


def test_a_portal_person_is_nobody_in_the_office() -> None:
    person = person_of(client_make(("Avery Example", "avery@example.org")))
    PortalAccount.objects.create(person=person)
    browser = Browser()
    session = browser.session
    now = time.time()
    session.update({PERSON: person.pk, SIGNED_IN_AT: now, SEEN_AT: now})
    session.save()

    assert browser.get("/portal/").status_code == 200
    response = browser.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/account/login/")
