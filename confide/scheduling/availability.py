"""A clinician's weekly hours, extra hours and time off, changed by staff.

Time off over booked sessions is saved only once whoever adds it has seen those sessions:
``time_off_add`` refuses while a session it covers is not among the ones acknowledged, so a
session booked between the warning and the confirmation is shown too. The sessions stay booked;
moving or cancelling them is a separate, deliberate step.

Saving through the model renews the open times' stamp after the commit (``open_times``); each
change is announced for the audit log without the private note.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from confide.practice.events import settings_changed_send
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import Appointment, AvailabilityRule
from confide.scheduling.selectors import sessions_during_time_off


class TimeOffCoversSessions(SchedulingError):
    """Time off would cover sessions that whoever adds it has not been shown yet."""

    message = "This time off covers booked sessions. Check them, then confirm."

    def __init__(self, sessions: list[Appointment]) -> None:
        super().__init__()
        self.sessions = sessions


def _announce(rule: AvailabilityRule, *, action: str, verb: str, actor: Any, request: Any) -> None:
    kind = AvailabilityRule.Kind(rule.kind).label.lower()
    settings_changed_send(
        actor=actor,
        request=request,
        action=action,
        target_type="hours",
        target=f"clinician:{rule.clinician_id}:hours",
        # str(rule) names the days and times, never the private note.
        summary=f"{verb} {kind} for {rule.clinician.name}: {rule}",
    )


def availability_rule_add(
    *, rule: AvailabilityRule, actor: Any, request: HttpRequest | None
) -> AvailabilityRule:
    """Add weekly hours or extra hours on a date (time off goes through ``time_off_add``)."""
    if rule.kind == AvailabilityRule.Kind.OFF:
        raise ValueError("Add time off with time_off_add, which checks the sessions it covers.")
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        _announce(rule, action="create", verb="added", actor=actor, request=request)
    return rule


def time_off_add(
    *,
    rule: AvailabilityRule,
    acknowledged: Collection[int] = (),
    actor: Any,
    request: HttpRequest | None,
) -> AvailabilityRule:
    """Add time off, unless it covers a booked session not in ``acknowledged`` (appointment ids).

    Raises TimeOffCoversSessions with every session it covers when one was not acknowledged.
    """
    rule.kind = AvailabilityRule.Kind.OFF
    if rule.first_day and rule.last_day is None:
        rule.last_day = rule.first_day
    rule.full_clean()
    with transaction.atomic():
        # full_clean() has made sure of both days.
        assert rule.first_day is not None
        assert rule.last_day is not None
        covered = sessions_during_time_off(
            clinician=rule.clinician,
            first_day=rule.first_day,
            last_day=rule.last_day,
            start_time=rule.start_time,
            end_time=rule.end_time,
        )
        if {a.pk for a in covered} - set(acknowledged):
            raise TimeOffCoversSessions(covered)
        rule.save()
        _announce(rule, action="create", verb="added", actor=actor, request=request)
    return rule


def availability_rule_remove(
    *, rule: AvailabilityRule, actor: Any, request: HttpRequest | None
) -> None:
    """Remove weekly hours, extra hours or time off."""
    with transaction.atomic():
        _announce(rule, action="delete", verb="removed", actor=actor, request=request)
        rule.delete()
