"""The owner's audit log page says when the chain was last verified, and what was found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from confide.audit.models import AuditVerification
from confide.practice.models import Practice

pytestmark = pytest.mark.django_db

SignedIn = Callable[..., Client]
# 2027-11-07 06:30 UTC is 1:30 AM in New York, the second time that night (EST, after the change).
AT = dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC)


def page(signed_in: SignedIn, owner: User) -> str:
    return " ".join(signed_in(owner).get("/office/audit/").content.decode().split())


def test_it_says_the_chain_was_never_verified_and_how_to_verify_it(
    signed_in: SignedIn, owner: User
) -> None:
    html = page(signed_in, owner)
    assert "Chain never verified" in html
    assert "python manage.py audit_verify" in html


def test_it_shows_the_last_verification_in_the_practice_zone(
    demo: None, signed_in: SignedIn, owner: User
) -> None:
    assert Practice.load().time_zone == "America/New_York"
    AuditVerification.objects.create(at=AT - dt.timedelta(days=1), intact=False, count=1)
    AuditVerification.objects.create(at=AT, intact=True, count=42, last_sequence=42)
    html = page(signed_in, owner)
    assert (
        "Chain last verified November 7, 2027, 1:30 AM, Eastern Time (New York): 42 events intact."
        in html
    )
    assert "broken" not in html


def test_it_shows_a_broken_chain_and_the_first_bad_event(
    demo: None, signed_in: SignedIn, owner: User
) -> None:
    AuditVerification.objects.create(
        at=AT,
        intact=False,
        count=6,
        last_sequence=6,
        problem=AuditVerification.Problem.MISSING,
        bad_sequence=7,
        detail="event #7 is gone; the next is #8",
    )
    html = page(signed_in, owner)
    assert "broken at event #7, missing: event #7 is gone; the next is #8." in html
    assert 'role="alert"' in html


def test_it_shows_events_it_could_not_check_apart_from_a_break(
    demo: None, signed_in: SignedIn, owner: User
) -> None:
    AuditVerification.objects.create(
        at=AT,
        intact=False,
        count=2,
        last_sequence=5,
        unverifiable="events #1 to #3 (data key 'k0')",
    )
    html = page(signed_in, owner)
    assert "unverifiable. All 5 events are in order and 2 verified" in html
    assert "data key that is not configured: events #1 to #3 (data key &#x27;k0&#x27;)." in html
    assert "broken" not in html
    assert 'role="alert"' in html


def test_it_shows_a_break_after_events_it_could_not_check(
    demo: None, signed_in: SignedIn, owner: User
) -> None:
    AuditVerification.objects.create(
        at=AT,
        intact=False,
        count=1,
        last_sequence=3,
        problem=AuditVerification.Problem.CHANGED,
        bad_sequence=4,
        bad_event_id=40,
        detail="its content no longer matches its hash",
        unverifiable="events #1 to #2 (data key 'k0')",
    )
    html = page(signed_in, owner)
    assert "broken at event #4 (id 40), changed: its content no longer matches its hash." in html
    assert "The 3 events before it are in order; not checked" in html


def test_it_shows_the_runs_warning_about_the_chain_head(
    demo: None, signed_in: SignedIn, owner: User
) -> None:
    AuditVerification.objects.create(
        at=AT,
        intact=True,
        count=3,
        last_sequence=3,
        warning="The chain head was missing and was rebuilt from the last event on 2027-11-07.",
    )
    html = page(signed_in, owner)
    assert "3 events intact." in html
    assert "The chain head was missing and was rebuilt from the last event on 2027-11-07." in html


def test_a_clients_own_audit_page_does_not_show_the_chain(
    demo: None, signed_in: SignedIn, owner: User
) -> None:
    from confide.clients.models import Client as Record
    from confide.practice.models import Clinician

    clinician = Clinician.objects.first()
    assert clinician is not None
    record = Record.objects.create(display_name="Test Person", clinician=clinician)
    response = signed_in(owner).get(f"/office/clients/{record.uid}/audit/")
    assert response.status_code == 200
    assert "Chain never verified" not in response.content.decode()
