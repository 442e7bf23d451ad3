"""Every email and text a portal person can receive passes the booking emails' discretion words.

The templates are found by walking the folders that hold them, so a message added tomorrow is
checked tomorrow: its subject, its plain body, what a reader sees of its HTML, and the text.
The flows that send them (invitation, code, notices, questionnaire links) have their own tests.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.conf import settings

from confide.emails import render_email, render_text
from confide.notifications.tests.factories import FORBIDDEN_WORDS, words_outside_links

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Where the messages to a portal person live: (folder, which names in it go to a person).
FOLDERS = [
    ("portal/messages", "*"),
    ("measures/messages", "*"),
    ("messaging", "person-*"),
]
CONTEXT = {
    "name": "Avery",
    "code": "123 456",
    "minutes": 15,
    "days": 7,
    "link": "https://practice.example.org/m/abcdef/",
    "sign_in_url": "https://practice.example.org/portal/sign-in/",
}


def _emails() -> list[tuple[str, str]]:
    found = []
    for folder, pattern in FOLDERS:
        for subject in sorted((TEMPLATES / folder / "email").glob(f"{pattern}-subject.txt")):
            found.append((f"{folder}/email", subject.name.removesuffix("-subject.txt")))
    return found


def _texts() -> list[str]:
    found = []
    for folder, pattern in FOLDERS:
        for path in sorted((TEMPLATES / folder / "text").glob(f"{pattern}.txt")):
            found.append(str(path.relative_to(TEMPLATES)))
    return found


def _visible(html_text: str) -> str:
    """Return the words a reader sees in an HTML email: no tags, no style block."""
    without_style = re.sub(r"<style.*?</style>", " ", html_text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_style))


def _forbidden(text: str) -> list[str]:
    words = words_outside_links(text)
    return [word for word in FORBIDDEN_WORDS if word in words]


def test_the_walk_finds_every_kind_of_message() -> None:
    names = {name for _, name in _emails()}
    assert {"invitation", "code", "notice", "link", "person-new-message"} <= names
    assert len(_texts()) >= 5
    # The check itself catches a word, outside a link and not inside one.
    assert _forbidden("Your Therapy session is ready") == ["therapy", "session"]
    assert _forbidden("Sign in: https://practice.example.org/therapy/") == []


@pytest.mark.parametrize(("folder", "name"), _emails(), ids=[n for _, n in _emails()])
def test_every_portal_email_is_discreet(folder: str, name: str) -> None:
    message = render_email(name, CONTEXT, to="avery@example.org", folder=folder)
    [(content, _)] = message.alternatives

    for part in (str(message.subject), str(message.body), _visible(str(content))):
        assert _forbidden(part) == [], (name, part)
    # The first line is safe on a lock screen: the subject names nothing but a sign-in.
    assert "Avery" not in str(message.subject)


@pytest.mark.parametrize("path", _texts())
def test_every_portal_text_is_discreet(path: str) -> None:
    body = " ".join(render_text(path, CONTEXT).split())

    assert body
    assert _forbidden(body) == [], (path, body)
    # A text stays short: one message on any phone.
    assert len(body) <= 320, (path, len(body))
