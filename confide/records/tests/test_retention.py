"""A request to delete a record is checked against the practice's retention period."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from confide.clients.models import Client
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in
from confide.practice.models import Practice
from confide.records import services
from confide.records.models import RecordRequest
from confide.records.tests.test_records import page

pytestmark = pytest.mark.usefixtures("demo")


def _deletion(*, discharged_years_ago: int | None) -> RecordRequest:
    client = client_make(("Avery Example", "avery@example.org"))
    if discharged_years_ago is not None:
        # Noon in the clinician's zone, so the last day of the period is the same date anywhere.
        at = timezone.now().replace(month=3, day=4, hour=17, minute=0, second=0, microsecond=0)
        client.status = Client.Status.DISCHARGED
        client.discharged_at = at.replace(year=at.year - discharged_years_ago)
        client.save()
    return services.record_request_create(
        person=person_of(client), kind="deletion", what="Everything", why="", now=timezone.now()
    )


def _text(response: Any) -> str:
    return html.unescape(re.sub(r"</?strong>", "", response.content.decode()))


def test_the_request_page_shows_until_when_the_record_is_kept(owner: User, signed_in: Any) -> None:
    years = Practice.load().retention_years
    row = _deletion(discharged_years_ago=2)
    until = f"March 4, {timezone.now().year - 2 + years}"

    text = _text(signed_in(owner).get(f"/office/record-requests/{row.uid}/"))

    assert f"must be kept until {until}" in text
    assert "can only be declined" in text
    assert 'value="accepted"' not in text


def test_a_deletion_inside_retention_cannot_be_accepted_and_the_refusal_names_the_date(
    owner: User, signed_in: Any
) -> None:
    years = Practice.load().retention_years
    row = _deletion(discharged_years_ago=2)
    until = f"March 4, {timezone.now().year - 2 + years}"
    url = f"/office/record-requests/{row.uid}/"
    browser = signed_in(owner)

    for status in ("accepted", "partly"):
        refused = browser.post(url, {"status": status, "reason": "Done."})
        assert refused.status_code == 400
        assert f"must be kept until {until}" in _text(refused)
        row.refresh_from_db()
        assert row.status == RecordRequest.Status.WAITING
    with pytest.raises(ValidationError, match="cannot be accepted"):
        services.record_request_answer(
            row=row, status="accepted", reason="", actor=owner, request=None, now=timezone.now()
        )

    assert browser.post(url, {"status": "denied", "reason": ""}).status_code == 302
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.DENIED
    assert f"The law requires us to keep your record until {until}." in row.answer
    assert until in page(portal_signed_in(row.person))


def test_a_deletion_for_a_client_in_care_is_declined_for_the_years_after_discharge(
    owner: User, signed_in: Any
) -> None:
    row = _deletion(discharged_years_ago=None)
    url = f"/office/record-requests/{row.uid}/"
    browser = signed_in(owner)

    assert "has not been discharged" in _text(browser.get(url))
    assert browser.post(url, {"status": "accepted", "reason": ""}).status_code == 400
    words = "We talked about this in our session on Tuesday."
    assert browser.post(url, {"status": "denied", "reason": words}).status_code == 302
    row.refresh_from_db()
    assert row.answer.startswith(words)
    assert "while you are in care and for" in row.answer


def test_a_deletion_after_retention_may_be_accepted(owner: User, signed_in: Any) -> None:
    years = Practice.load().retention_years
    row = _deletion(discharged_years_ago=years + 1)
    url = f"/office/record-requests/{row.uid}/"
    browser = signed_in(owner)

    assert "That date has passed." in _text(browser.get(url))
    assert browser.post(url, {"status": "accepted", "reason": ""}).status_code == 302
    row.refresh_from_db()
    assert row.status == RecordRequest.Status.ACCEPTED
