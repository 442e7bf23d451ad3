"""No money word on anything the public or a calendar sees, and no message when a bill is issued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.billing import services
from confide.billing.models import BillingSettings, Payment, Statement
from confide.billing.statements import statement_issue, superbills_issue
from confide.billing.tests.conftest import session, utc
from confide.clients.models import Client
from confide.notifications.models import OutboxMessage, Reminder, SentMessage
from confide.practice.models import Clinician
from confide.scheduling.attendance import outcome_record
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., HttpClient]
Outcome = Appointment.Outcome

# Thursday March 25, 2027, noon in New York: the March sessions are inside the feed's window.
NOW = utc("2027-03-25 16:00")
TODAY = dt.date(2027, 3, 25)
SESSIONS = [utc("2027-03-03 15:00"), utc("2027-03-10 15:00"), utc("2027-03-17 15:00")]
UPCOMING = utc("2027-03-31 15:00")

# What the money of these sessions looks like: each $180, $540 in all, $200 paid, $340 owed.
AMOUNTS = ("$180.00", "180.00", "$540.00", "$200.00", "$340.00", "340.00")
WORDS = ("balance", "statement", "superbill", "invoice")
PUBLIC_PAGES = ("/", "/fees/", "/faq/")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Stop the clock at NOW: the calendar feed picks its window from it."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def charged(billing: BillingSettings, sam: Client, therapist: User) -> list[Appointment]:
    """Sam's three March sessions, attended and charged, $200 paid, and one still to come."""
    attended = []
    for start in SESSIONS:
        appointment = session(sam, start)
        attended.append(
            outcome_record(
                appointment=appointment,
                outcome=Outcome.ATTENDED,
                now=start + dt.timedelta(hours=1),
                actor=therapist,
            )
        )
    session(sam, UPCOMING)
    services.diagnosis_add(client=sam, code="F43.10", actor=therapist)
    services.payment_record(
        client=sam, kind=Payment.Kind.PAYMENT, received_on=dt.date(2027, 3, 20),
        amount_cents=20000, method=Payment.Method.CHECK, actor=therapist, today=TODAY,
    )  # fmt: skip
    return attended


def _issue_everything(client: Client, actor: User) -> list[Statement]:
    kinds = (Statement.Kind.STATEMENT, Statement.Kind.INVOICE, Statement.Kind.SUPERBILL)
    issued = [
        statement_issue(
            client=client,
            kind=kind,
            period_start=dt.date(2027, 3, 1),
            period_end=dt.date(2027, 3, 31),
            actor=actor,
            now=NOW,
            issued_on=TODAY,
        )
        for kind in kinds
    ]
    issued += superbills_issue(year=2027, month=3, actor=actor, now=NOW, issued_on=TODAY)
    return issued


def _secrets(issued: list[Statement]) -> list[str]:
    """Return what must never show: amounts, document numbers, codes and the diagnosis."""
    return [*AMOUNTS, *(s.number for s in issued), "90834", "F43.10"]


def _assert_discreet(body: str, issued: list[Statement], where: str) -> None:
    for secret in _secrets(issued):
        assert secret not in body, (where, secret)
    lowered = body.lower()
    for word in WORDS:
        assert word not in lowered, (where, word)


def test_the_clinicians_calendar_feed_carries_no_money(
    client: HttpClient, charged: list[Appointment], sam: Client, therapist: User
) -> None:
    issued = _issue_everything(sam, therapist)
    clinician: Clinician = sam.clinician

    response = client.get(reverse("scheduling:clinician_feed", args=[clinician.calendar_token]))

    assert response.status_code == 200
    body = response.content.decode()
    # The charged sessions are in the feed: what it leaves out, it leaves out on purpose.
    for appointment in charged:
        assert appointment.ical_uid in body
    _assert_discreet(body, issued, "feed")


def test_the_persons_calendar_file_and_page_carry_no_money(
    client: HttpClient, charged: list[Appointment], sam: Client, therapist: User
) -> None:
    issued = _issue_everything(sam, therapist)

    for appointment in charged:
        token = appointment.manage_token()
        ics = client.get(reverse("scheduling:ics", args=[token]))
        page = client.get(reverse("scheduling:manage", args=[token]))

        assert (ics.status_code, page.status_code) == (200, 200)
        assert appointment.ical_uid in ics.content.decode()
        _assert_discreet(ics.content.decode(), issued, "appointment.ics")
        _assert_discreet(page.content.decode(), issued, "manage page")


def _public_text(path: str) -> str:
    """Render a public page afresh: a session cookie keeps a kept copy from being served."""
    http = HttpClient()
    http.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response = http.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_public_pages_do_not_change_when_clients_are_charged_and_billed(
    client: HttpClient,
    billing: BillingSettings,
    sam: Client,
    therapist: User,
    request: pytest.FixtureRequest,
) -> None:
    # The demo's fees page explains superbills and the codes they carry in general, so those
    # words may be there; what matters is that nothing of a client's account reaches a page.
    before = {path: _public_text(path).lower() for path in PUBLIC_PAGES}
    request.getfixturevalue("charged")
    issued = _issue_everything(sam, therapist)

    for path in PUBLIC_PAGES:
        fresh = _public_text(path)
        kept = client.get(path).content.decode()
        for body in (fresh, kept):
            for secret in (*AMOUNTS, *(s.number for s in issued), "F43.10"):
                assert secret not in body, (path, secret)
            for word in (*WORDS, "90834"):
                assert body.lower().count(word) == before[path].count(word), (path, word)


def _outgoing() -> dict[str, int]:
    return {
        "outbox": OutboxMessage.objects.count(),
        "sent": SentMessage.objects.count(),
        "reminders": Reminder.objects.count(),
        "tasks": DBTaskResult.objects.count(),
    }


def test_issuing_statements_and_superbills_sends_nothing(
    charged: list[Appointment],
    sam: Client,
    therapist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    before = _outgoing()

    with django_capture_on_commit_callbacks(execute=True):
        issued = _issue_everything(sam, therapist)

    assert len(issued) == 4
    assert mail.outbox == []
    assert _outgoing() == before


def test_issuing_from_the_office_sends_nothing(
    signed_in: SignedIn,
    owner: User,
    charged: list[Appointment],
    sam: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    http = signed_in(owner)
    mail.outbox.clear()
    before = _outgoing()

    with django_capture_on_commit_callbacks(execute=True):
        for kind in ("statement", "invoice", "superbill"):
            http.post(
                reverse("office:statement_new", args=[sam.uid]),
                {"kind": kind, "start": "2027-03-01", "end": "2027-03-31"},
            )
        http.post(reverse("office:superbills_new"), {"month": "2027-03"})

    assert Statement.objects.count() == 4
    assert mail.outbox == []
    assert _outgoing() == before
