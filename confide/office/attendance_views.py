"""Recording what happened to a session: one click from Today or the appointment page, and undo.

Every staff role may record attendance (the practice manager keeps the books); nobody reads a
note here. The buttons post back to the page they were pressed on.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from confide.accounts.access import office_view
from confide.clients.models import Client
from confide.office.navigation import back_to
from confide.scheduling.access import appointment_for
from confide.scheduling.attendance import outcome_record, outcome_undo
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import Appointment

Outcome = Appointment.Outcome


def _back(request: HttpRequest, appointment: Appointment) -> str:
    """Return the office page the button was pressed on, or the appointment's page."""
    return back_to(request, reverse("office:appointment", args=[appointment.pk]))


@office_view()
@require_POST
def appointment_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record, or correct, what happened to a session that has begun."""
    appointment = appointment_for(request.user, pk)
    back = _back(request, appointment)
    chosen = request.POST.get("outcome", "")
    if chosen not in Outcome.values:
        messages.error(request, "Choose what happened.")
        return redirect(back)
    present = None
    client = appointment.client
    # The appointment page shows a tick box per partner; Today's one click means both came.
    if client is not None and client.kind == Client.Kind.COUPLE and "partners" in request.POST:
        ticked = set(request.POST.getlist("present"))
        present = [p for p in client.people.all() if str(p.uid) in ticked]
    try:
        outcome_record(
            appointment=appointment,
            outcome=chosen,
            now=timezone.now(),
            actor=request.user,
            present=present,
            request=request,
        )
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Recorded: {Outcome(chosen).label.lower()}.")
    return redirect(back)


@office_view()
@require_POST
def appointment_outcome_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back what was recorded: the session waits for its outcome again."""
    appointment = appointment_for(request.user, pk)
    back = _back(request, appointment)
    try:
        outcome_undo(
            appointment=appointment, now=timezone.now(), actor=request.user, request=request
        )
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Taken back: nothing is recorded for this session now.")
    return redirect(back)
