"""A person's answers saved several times at the same instant on a real multi-process server.

Typing, then tapping Save, sends the answers twice at once: the background save that the
field's blur starts, and the form itself. Two tabs can do the same. Every save must succeed
and leave one answer per question, on PostgreSQL as on SQLite.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.contrib.sessions.backends.db import SessionStore

from confide.intake.models import Answer
from confide.portal.access import PERSON, SEEN_AT, SIGNED_IN_AT
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make
from e2e import servers
from e2e.concurrency.visitors import Post, Visitor, post_all_at_once

# Alone: the saves must meet each other, not a parallel test's load.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]

QUESTIONS = "/portal/paperwork/questions/"
SAVES = 8
WORKERS, THREADS = 2, 4
ANSWERS = {
    "legal_name": "Robin Q. Example",
    "preferred_name": "Robin",
    "reason": "I keep apologising for existing.",
}


@pytest.mark.usefixtures("demo")
def test_saves_at_the_same_instant_all_succeed_and_keep_one_answer_each() -> None:
    person = client_make(("Robin Example", "robin@example.org")).people.get()
    PortalAccount.objects.create(person=person)
    session = SessionStore()
    now = time.time()
    session.update({PERSON: person.pk, SIGNED_IN_AT: now, SEEN_AT: now})
    session.create()

    with servers.run_gunicorn(
        env=servers.test_server_environment(), workers=WORKERS, threads=THREADS
    ) as base_url:
        tabs = []
        for _ in range(SAVES):
            tab = Visitor(base_url)
            tab.cookies["sessionid"] = session.session_key or ""
            assert tab.get(QUESTIONS).status == 200
            tabs.append(tab)
        # Half as the background save, half as the Save button.
        posts = [
            Post(tab, QUESTIONS, {**ANSWERS, ("autosave" if n % 2 else "save"): "1"})
            for n, tab in enumerate(tabs)
        ]
        answers = post_all_at_once(posts)

    assert Counter(a.status for a in answers) == {302: SAVES // 2, 200: SAVES // 2}, [
        (a.status, a.body[:200]) for a in answers if a.status not in (200, 302)
    ]
    kept = Answer.objects.filter(person=person)
    assert sorted(kept.values_list("question", flat=True)) == sorted(ANSWERS)
    assert {a.question: a.text for a in kept} == ANSWERS
