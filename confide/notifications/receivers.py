"""Queue messages and follow up reminders when scheduling announces a change."""

from __future__ import annotations

from typing import Any

from confide.accounts.sessions import AnyUser as Actor
from confide.notifications.series import series_notify, told_with_series
from confide.notifications.services import appointment_notify
from confide.scheduling.events import Event
from confide.scheduling.models import Appointment


def made_by_its_clinician(actor: Actor | None, appointment: Appointment) -> bool:
    """Return True when the person acting is the appointment's own clinician.

    They need no email about what they just did; a clinician whose session was changed by the
    owner, the practice manager or the person who booked it does.
    """
    profile = getattr(actor, "staff_profile", None)
    return profile is not None and profile.clinician_id == appointment.clinician_id


def appointment_changed_notify(
    sender: Any,
    *,
    appointment: Appointment,
    event: Event,
    actor: Actor | None,
    announce: bool = True,
    together: tuple[int, ...] = (),
    **kwargs: Any,
) -> None:
    """Queue the messages and reminders of a change, in the transaction that made it.

    A series changed in one go is told in one message, queued with its first session.
    """
    by_clinician = made_by_its_clinician(actor, appointment)
    if not announce:
        told_with_series(appointment=appointment, event=event)
    elif len(together) > 1:
        series_notify(
            appointment=appointment, event=event, together=together, by_clinician=by_clinician
        )
    else:
        appointment_notify(appointment=appointment, event=event, by_clinician=by_clinician)
