"""Changes to the rest of a series: cancel it, or move it by the same step, all or nothing.

"The rest" is the chosen session and every later active session booked in the same series
(``Appointment.series``; a moved session keeps it). Each session changes as a single change
would (``changes``), inside one transaction, and the news goes out once, with the first one
(``announce``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.scheduling import guard
from confide.scheduling.changes import (
    CancelledBy,
    audit_client_change,
    cancellation_outcome,
    moved_copy,
)
from confide.scheduling.errors import (
    NotChangeable,
    SchedulingError,
    SeriesMoveBlocked,
    TimeTaken,
)
from confide.scheduling.events import Event, appointment_changed_send
from confide.scheduling.models import Appointment
from confide.scheduling.slots import wall_to_utc


def series_rest(appointment: Appointment) -> list[Appointment]:
    """Return the appointment and the later active sessions of its series, earliest first.

    Returns an empty list when the appointment belongs to no series. Rows are locked until the
    transaction ends when called inside one.
    """
    if appointment.series is None:
        return []
    return list(
        Appointment.objects.select_for_update(of=("self",))
        .select_related("appointment_type", "client", "clinician", "consultation")
        .filter(
            series=appointment.series,
            start__gte=appointment.start,
            status__in=Appointment.ACTIVE_STATUSES,
        )
        .order_by("start")
    )


def _rest_or_refuse(appointment: Appointment, now: dt.datetime) -> list[Appointment]:
    rest = [a for a in series_rest(appointment) if a.end > now]
    if not rest or rest[0].pk != appointment.pk:
        raise NotChangeable("Only a coming, active session of a series can change the rest of it.")
    return rest


def appointment_series_cancel_rest(
    *,
    appointment: Appointment,
    now: dt.datetime,
    by: CancelledBy,
    actor: Actor,
    request: HttpRequest | None = None,
) -> list[Appointment]:
    """Cancel the appointment and the later sessions of its series; return those cancelled.

    ``by`` says who asked, as for one cancellation: a client cancelling inside the window has
    cancelled that first session late, and the later ones in good time.
    """
    with transaction.atomic():
        rest = _rest_or_refuse(appointment, now)
        for session in rest:
            outcome = cancellation_outcome(appointment=session, by=by, now=now)
            fields = session.outcome_set(
                outcome, status=Appointment.Status.CANCELLED, at=now, by=actor
            )
            session.save(update_fields=fields)
        _announce(rest, Event.CANCELLED, actor)
        audit_client_change(
            request,
            actor,
            AuditEvent.Action.CHANGE,
            rest[0].client,
            f"{len(rest)} appointments of a series cancelled",
        )
    return rest


def shifted(start: dt.datetime, *, step: dt.timedelta, tz: ZoneInfo) -> dt.datetime:
    """Return ``start`` moved by ``step`` on the wall clock of ``tz``, as a UTC instant.

    A series keeps its time on the clock across a daylight-saving change (10:00 stays 10:00), so
    the step is wall-clock arithmetic, not a fixed number of seconds.
    """
    local = start.astimezone(tz).replace(tzinfo=None) + step
    return wall_to_utc(local.date(), local.time(), tz)


@guard.refusals_announced
def appointment_series_move_rest(
    *,
    appointment: Appointment,
    start: dt.datetime,
    now: dt.datetime,
    actor: Actor,
    request: HttpRequest | None = None,
) -> list[Appointment]:
    """Move the appointment to ``start`` and each later session of its series by the same step.

    The step is read on the clinician's clock. Nothing moves unless every session can: a session
    whose new time overlaps another appointment raises TimeTaken, which names that appointment
    and the session of the series it stands in the way of. Returns the new appointments.
    """
    tz = appointment.clinician.tz()
    try:
        with transaction.atomic():
            rest = _rest_or_refuse(appointment, now)
            first = rest[0]
            if first.start == start:
                raise SchedulingError("That is the time it already has.", field="time")
            step = start.astimezone(tz).replace(tzinfo=None) - first.start.astimezone(tz).replace(
                tzinfo=None
            )
            # Free every old time first: a session may move into the time another one leaves.
            for session in rest:
                session.status = Appointment.Status.RESCHEDULED
                session.save(update_fields=["status", "updated_at"])
            moved: list[Appointment] = []
            for old in rest:
                new = moved_copy(
                    old,
                    start=shifted(old.start, step=step, tz=tz),
                    status=Appointment.Status.CONFIRMED,
                )
                if not guard.inserted(new):
                    raise SeriesMoveBlocked(old=old, other=guard.colliding(new), tz=tz)
                old.rescheduled_to = new
                old.save(update_fields=["rescheduled_to", "updated_at"])
                moved.append(new)
            _announce(moved, Event.RESCHEDULED, actor)
            audit_client_change(
                request,
                actor,
                AuditEvent.Action.CHANGE,
                first.client,
                f"{len(moved)} appointments of a series moved",
            )
            return moved
    except IntegrityError as error:
        if guard.is_overlap(error):
            raise TimeTaken(None) from error
        raise


def _announce(sessions: list[Appointment], event: Event, actor: Actor) -> None:
    """Send each session's event; the first carries the news of them all (see ``events``)."""
    together = tuple(a.pk for a in sessions)
    for index, session in enumerate(sessions):
        appointment_changed_send(
            appointment=session,
            event=event,
            actor=actor,
            announce=index == 0,
            together=together if index == 0 else (),
        )
