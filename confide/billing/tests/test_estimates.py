"""Good Faith Estimates: when one is owed, what it lists, and re-issuing when services change."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from confide.billing import estimates, services
from confide.billing.models import BillingSettings, Estimate, Fee, Service
from confide.billing.tests.conftest import session, utc
from confide.clients.models import Client
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def _scheduled(appointment: Appointment, when: dt.datetime) -> Appointment:
    Appointment.objects.filter(pk=appointment.pk).update(created_at=when)
    appointment.refresh_from_db()
    return appointment


def _due(client: Client, now: dt.datetime) -> list[estimates.Due]:
    return estimates.estimates_due(Client.objects.filter(pk=client.pk), now=now, today=now.date())


@pytest.mark.parametrize(
    ("scheduled", "session_at", "due_by"),
    [
        # Friday Nov 20 2026 for Wednesday Dec 9 (13 business days away, Thanksgiving skipped):
        # 3 business days after scheduling.
        ("2026-11-20 15:00", "2026-12-09 15:00", dt.date(2026, 11, 25)),
        # Monday Nov 23 for Monday Nov 30: 4 business days away (Thanksgiving skipped), so
        # one business day after scheduling.
        ("2026-11-23 15:00", "2026-11-30 15:00", dt.date(2026, 11, 24)),
        # Wednesday Nov 25 for the next Monday: 2 business days away, no deadline by rule.
        ("2026-11-25 15:00", "2026-11-30 15:00", None),
    ],
)
def test_an_estimate_is_due_by_the_business_day_rules(
    billing: BillingSettings, sam: Client, scheduled: str, session_at: str, due_by: dt.date | None
) -> None:
    _scheduled(session(sam, utc(session_at)), utc(scheduled))
    (due,) = _due(sam, utc(scheduled) + dt.timedelta(minutes=5))
    assert due.by == due_by
    assert due.reason == "scheduled"


def test_nothing_is_owed_to_a_client_who_is_not_self_pay(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    session(sam, utc("2026-12-09 15:00"))
    services.account_update(client=sam, payer=None, self_pay=False, actor=therapist)
    assert _due(sam, utc("2026-11-20 15:05")) == []


def test_an_issued_estimate_covers_the_sessions_until_they_change(
    billing: BillingSettings, clinician: Clinician, sam: Client, therapist: User
) -> None:
    now = utc("2026-11-20 15:05")
    first = session(sam, utc("2026-12-09 15:00"))
    _scheduled(first, utc("2026-11-20 15:00"))
    estimate = estimates.estimate_issue(
        client=sam, quantities={"individual": 20}, actor=therapist, now=now,
        issued_on=dt.date(2026, 11, 20),
    )  # fmt: skip
    assert _due(sam, now) == []
    items = json.loads(estimate.items)
    assert items == [{"service": "individual", "cpt": "90834", "quantity": 20, "unit_cents": 18000}]
    assert estimate.total_cents == 20 * 18000
    # More sessions of the same kind, within what it counted: still covered.
    session(sam, utc("2026-12-16 15:00"))
    assert _due(sam, now) == []
    # A new fee changes the expected charges: a new estimate is owed.
    Fee.objects.create(
        clinician=clinician, service=Service.INDIVIDUAL, amount_cents=20000,
        starts_on=dt.date(2026, 12, 15),
    )  # fmt: skip
    (due,) = _due(sam, now)
    assert due.reason == "changed"
    second = estimates.estimate_issue(
        client=sam, actor=therapist, now=now, issued_on=dt.date(2026, 11, 21)
    )
    estimate.refresh_from_db()
    assert estimate.replaced_by == second
    assert second.reason == Estimate.Reason.CHANGED
    text = "".join(page.extract_text() for page in PdfReader(_bytes(second.pdf)).pages)
    assert estimate.number in text  # names the estimate it replaces
    assert _due(sam, now) == []


def test_a_request_is_due_in_three_business_days(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    # Wednesday Nov 25, 2026: Thanksgiving and the weekend are skipped.
    services.estimate_request_record(client=sam, on=dt.date(2026, 11, 25), actor=therapist)
    (due,) = _due(sam, utc("2026-11-25 18:00"))
    assert (due.by, due.reason) == (dt.date(2026, 12, 1), "requested")


def test_the_estimate_pdf_has_what_the_rule_requires(
    billing: BillingSettings, sam: Client, therapist: User
) -> None:
    services.billing_details_set(
        person=sam.people.get(), legal_name="Samuel Rivera-Example",
        date_of_birth=dt.date(1990, 4, 2), address="1 Example Street\nBrooklyn, NY 11201",
        member_id="", actor=therapist,
    )  # fmt: skip
    services.diagnosis_add(client=sam, code="F43.10", actor=therapist)
    session(sam, utc("2026-12-09 15:00"))
    estimate = estimates.estimate_issue(
        client=sam, actor=therapist, now=utc("2026-11-20 15:05"), issued_on=dt.date(2026, 11, 20)
    )
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(_bytes(estimate.pdf)).pages
    )
    for expected in (
        "Good Faith Estimate",
        "Samuel Rivera-Example",
        "90834",
        "F43.10",
        "1234567893",  # the clinician's NPI
        "12-3456789",  # the practice's tax ID
        "$400",
        "$180.00",
    ):
        assert expected in text, expected


def _bytes(data: bytes):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(data)
