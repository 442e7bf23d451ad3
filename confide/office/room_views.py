"""Video rooms and phone numbers in the office: what Today and the appointment page show, and
the room of one session.

Staff who can see an appointment may see its room and join it (the practice manager often
looks after the practice's video account); the person reaches it only through their join link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from confide.accounts.access import clinical_access, office_view
from confide.office.forms_schedule import MoveForm, RoomForm
from confide.office.schedule_views import _detail_context
from confide.scheduling.access import appointment_for
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import Appointment
from confide.scheduling.rooms import appointment_room_set

# Today warns about a video session without a room from this long before it starts.
ROOM_WARNING_AHEAD = dt.timedelta(hours=24)
# Statuses in which a session still takes place (attendance may be marked while it runs).
HELD = frozenset(
    {Appointment.Status.CONFIRMED, Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW}
)


def session_tools_add(appointments: Iterable[Appointment], *, now: dt.datetime) -> None:
    """Set on each appointment what the office needs to hold it, for the day lists to show.

    ``room``: the address to join a video session from now until its end, else "".
    ``room_missing``: True for a video session due within ROOM_WARNING_AHEAD without a room.
    ``calls``: for a phone session, each person's number and wishes (``client.people``
    prefetched keeps this one query for the whole list).
    """
    for appointment in appointments:
        video = appointment.format == Appointment.Format.VIDEO
        coming = video and now < appointment.end
        held = coming and appointment.status in HELD
        address = appointment.video_room() if coming else ""
        appointment.room = address if held else ""  # type: ignore[attr-defined]
        # A request still to confirm needs a room by then too.
        appointment.room_missing = (  # type: ignore[attr-defined]
            coming
            and not address
            and appointment.status in (*HELD, Appointment.Status.REQUESTED)
            and appointment.start - now <= ROOM_WARNING_AHEAD
        )
        appointment.calls = appointment.people_to_call()  # type: ignore[attr-defined]


@office_view()
@require_POST
def appointment_room(request: HttpRequest, pk: int) -> HttpResponse:
    """Give one session its own video room, or send it back to the clinician's."""
    appointment = appointment_for(request.user, pk)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            appointment_room_set(
                appointment=appointment,
                url=form.cleaned_data["video_room_url"],
                actor=request.user,
                request=request,
            )
        except SchedulingError as error:
            form.add_error("video_room_url", error.message)
        else:
            if appointment.video_room_url:
                messages.success(request, "This session has its own video room now.")
            else:
                messages.success(request, "This session uses the clinician's video room.")
            return redirect(reverse("office:appointment", args=[appointment.pk]))
    tz = appointment.clinician.tz()
    local = appointment.start.astimezone(tz)
    move_form = MoveForm(initial={"date": local.date(), "time": local.time()})
    clinical = clinical_access(request.user)
    context = _detail_context(appointment, tz, move_form, clinical=clinical) | {"room_form": form}
    return render(request, "office/appointment_detail.html", context, status=400)
