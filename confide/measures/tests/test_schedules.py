"""Schedules: when one is due, and sending a round to each person exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.urls import reverse

from confide.clients.models import Client
from confide.measures import services
from confide.measures.models import MeasureRequest, MeasureSchedule
from confide.measures.schedules import schedule_due
from confide.office.tests.factories import therapist_user
from confide.portal.tests.helpers import session_make

NOW = dt.datetime(2027, 3, 10, 15, tzinfo=dt.UTC)
WEEK = dt.timedelta(weeks=1)


@pytest.mark.parametrize(
    ("sessions", "weeks", "last", "since", "now", "due"),
    [
        (4, None, None, 0, NOW, True),
        (4, None, NOW, 3, NOW, False),
        (4, None, NOW, 4, NOW, True),
        (1, None, NOW, 1, NOW, True),
        (None, 2, NOW, 0, NOW + 2 * WEEK - dt.timedelta(seconds=1), False),
        (None, 2, NOW, 0, NOW + 2 * WEEK, True),
        # Across New York's spring change (2027-03-14): two weeks are 336 hours all the same.
        (None, 2, NOW, 0, NOW + dt.timedelta(hours=336), True),
        (None, None, NOW, 9, NOW + 9 * WEEK, False),
    ],
)
def test_when_a_schedule_is_due(
    sessions: int | None,
    weeks: int | None,
    last: dt.datetime | None,
    since: int,
    now: dt.datetime,
    due: bool,
) -> None:
    assert (
        schedule_due(
            every_sessions=sessions,
            every_weeks=weeks,
            last_sent_at=last,
            sessions_since=since,
            now=now,
        )
        is due
    )


def _set(client: Client, **rhythm: int | None) -> MeasureSchedule:
    return services.schedule_set(
        client=client, code=str(rhythm.pop("code", "phq9") or "phq9"),
        every_sessions=rhythm.get("every_sessions"), every_weeks=rhythm.get("every_weeks"),
        actor=AnonymousUser(), now=NOW, request=None,
    )  # fmt: skip


def test_a_weekly_schedule_sends_now_and_again_when_due(couple: Client) -> None:
    schedule = _set(couple, every_weeks=1)
    assert MeasureRequest.objects.filter(scheduled=True).count() == 2  # each partner
    assert services.schedules_run(now=NOW + WEEK / 2) == 0
    # The first round's links are still open and unanswered: nothing doubles up.
    assert services.schedules_run(now=NOW + WEEK) == 1
    assert MeasureRequest.objects.count() == 2
    MeasureRequest.objects.update(answered_at=NOW + WEEK)
    assert services.schedules_run(now=NOW + 2 * WEEK) == 1
    assert MeasureRequest.objects.filter(answered_at__isnull=True).count() == 2
    schedule.refresh_from_db()
    assert schedule.last_sent_at == NOW + 2 * WEEK


def test_a_schedule_by_sessions_counts_completed_sessions(individual: Client) -> None:
    _set(individual, every_sessions=2)
    MeasureRequest.objects.update(answered_at=NOW)
    for days in (1, 8):
        appointment = session_make(individual, start=NOW + dt.timedelta(days=days))
        appointment.status = appointment.Status.COMPLETED
        appointment.save(update_fields=["status"])
        later = NOW + dt.timedelta(days=days, hours=2)
        sent = services.schedules_run(now=later)
        assert sent == (1 if days == 8 else 0)
    assert MeasureRequest.objects.filter(answered_at__isnull=True).count() == 1


def test_a_schedule_needs_one_rhythm_and_csi4_a_couple(individual: Client) -> None:
    with pytest.raises(ValidationError):
        _set(individual, every_weeks=2, every_sessions=2)
    with pytest.raises(ValidationError):
        _set(individual)
    with pytest.raises(ValidationError):
        _set(individual, code="csi4", every_weeks=2)  # type: ignore[arg-type]


def test_the_office_sets_and_stops_a_schedule(
    individual: Client, signed_in: Callable[..., Browser]
) -> None:
    office = signed_in(therapist_user())
    response = office.post(
        reverse("office:measure_schedule", args=[individual.uid]),
        {"schedule-code": "gad7", "schedule-every": "weeks", "schedule-count": "3"},
        follow=True,
    )
    assert "The GAD-7 goes out now and then every 3 weeks." in response.content.decode()
    schedule = MeasureSchedule.objects.get()
    assert (schedule.every_weeks, schedule.every_sessions) == (3, None)
    office.post(reverse("office:measure_schedule_stop", args=[schedule.uid]))
    assert not MeasureSchedule.objects.exists()
