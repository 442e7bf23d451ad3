"""The rest of a series, in the office: move it by the same step, or cancel it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from confide.accounts.access import clinical_access, office_view
from confide.office.forms_schedule import MoveForm
from confide.scheduling.access import appointment_for
from confide.scheduling.changes import CancelledBy
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import Appointment
from confide.scheduling.series import appointment_series_cancel_rest, appointment_series_move_rest
from confide.scheduling.slots import wall_to_utc


@office_view()
@require_POST
def series_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move this session to a new time and each later one of its series by the same step."""
    appointment = appointment_for(request.user, pk)
    tz = appointment.clinician.tz()
    form = MoveForm(request.POST, prefix="series")
    if form.is_valid():
        start = wall_to_utc(form.cleaned_data["date"], form.cleaned_data["time"], tz)
        try:
            moved = appointment_series_move_rest(
                appointment=appointment, start=start, now=timezone.now(),
                actor=request.user, request=request,
            )  # fmt: skip
        except SchedulingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            when = dateformat.format(moved[0].start.astimezone(tz), "l, F j, g:i A")
            messages.success(request, f"Moved {len(moved)} sessions; the first is now {when}.")
            return redirect(reverse("office:appointment", args=[moved[0].pk]))
    # Imported here: the appointment page imports this module for its series part.
    from confide.office.schedule_views import _detail_context

    local = appointment.start.astimezone(tz)
    move_form = MoveForm(initial={"date": local.date(), "time": local.time()})
    context = _detail_context(appointment, tz, move_form, clinical=clinical_access(request.user))
    context["series_move_form"] = form
    return render(request, "office/appointment_detail.html", context, status=400)


@office_view()
@require_POST
def series_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel this session and each later one of its series."""
    appointment = appointment_for(request.user, pk)
    asked = request.POST.get("by")
    if asked not in ("client", "practice"):
        messages.error(request, "Say who is cancelling: the client or the practice.")
        return redirect(reverse("office:appointment", args=[appointment.pk]))
    by: CancelledBy = "client" if asked == "client" else "practice"
    try:
        cancelled = appointment_series_cancel_rest(
            appointment=appointment, now=timezone.now(), by=by, actor=request.user,
            request=request,
        )  # fmt: skip
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Cancelled {len(cancelled)} sessions of the series.")
    return redirect(reverse("office:appointment", args=[appointment.pk]))


def series_context(appointment: Appointment, tz: ZoneInfo) -> dict[str, Any]:
    """Return what the appointment page shows about the rest of its series, if it has one."""
    if appointment.series is None or not appointment.is_active:
        return {"series_rest": 0}
    rest = Appointment.objects.filter(
        series=appointment.series,
        start__gte=appointment.start,
        status__in=Appointment.ACTIVE_STATUSES,
    ).count()
    local = appointment.start.astimezone(tz)
    return {
        "series_rest": rest,
        "series_move_form": MoveForm(
            prefix="series", initial={"date": local.date(), "time": local.time()}
        ),
    }
