"""Video rooms: the address a session is held at, set by the office for one appointment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.scheduling.changes import audit_client_change
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import Appointment


def appointment_room_set(
    *, appointment: Appointment, url: str, actor: Actor | None, request: HttpRequest | None
) -> Appointment:
    """Give one appointment its own video room, or ("") send it back to the clinician's room.

    The audit entry says that the room changed, never what it is.
    """
    url = url.strip()
    if url and appointment.format != Appointment.Format.VIDEO:
        raise SchedulingError("Only a video session has a room.", field="video_room_url")
    if url:
        try:
            # The field's own checks: a URL, HTTPS, no password in it, not too long.
            Appointment._meta.get_field("video_room_url").run_validators(url)
        except ValidationError as error:
            raise SchedulingError(" ".join(error.messages), field="video_room_url") from error
    if url == appointment.video_room_url:
        return appointment
    appointment.video_room_url = url
    appointment.save(update_fields=["video_room_url", "updated_at"])
    audit_client_change(
        request,
        actor,
        AuditEvent.Action.CHANGE,
        appointment.client,
        "set the session's own video room" if url else "reset the session to the clinician's room",
    )
    return appointment
