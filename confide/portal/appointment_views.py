"""One appointment in the portal: see it, cancel it or move it within the practice's rules.

Every change goes through the scheduling core (``appointment_cancel``, ``appointment_move``
with the online policy), exactly as a manage link from an email does; nothing here writes an
appointment. An appointment is found by its manage token and only among the signed-in person's
client's appointments (a couple's joint ones for either partner); anything else is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from confide.accounts.ratelimit import Limit, hit
from confide.clients.models import Person
from confide.portal.access import portal_view
from confide.scheduling.changes import ChangePolicy, appointment_cancel, appointment_move
from confide.scheduling.errors import SchedulingError
from confide.scheduling.models import Appointment
from confide.scheduling.selectors import (
    client_appointments,
    inside_cancellation_window,
    slot_is_open,
    slot_week,
    unavailable_or_taken,
    zone_label,
    zone_or_default,
)

CHANGE_LIMIT = "portal-change"


def appointment_of(person: Person, token: str) -> Appointment:
    """Return the appointment of the person's client behind ``token``, or raise Http404."""
    key = Appointment.key_from_manage_token(token)
    found = (
        client_appointments(person.client)
        .select_related("clinician", "rescheduled_to")
        .filter(manage_key=key)
        .first()
        if key is not None
        else None
    )
    if found is None:
        raise Http404("No such appointment")
    return found


def _context(request: HttpRequest, appointment: Appointment, token: str) -> dict[str, Any]:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    zone = zone_or_default(person.time_zone, appointment.clinician.time_zone)
    now = timezone.now()
    return {
        "nav": "appointments",
        "appointment": appointment,
        "token": token,
        "zone": zone,
        "zone_label": zone_label(zone),
        "changeable": appointment.is_active and appointment.start > now,
        "inside_window": inside_cancellation_window(appointment=appointment, now=now),
        "join_state": appointment.join_state(now=now).value,
        "phone_given": any(p.phone for p in person.client.people.all()),
    }


def _within_limit(request: HttpRequest) -> bool:
    limit = Limit(scope=CHANGE_LIMIT, count=settings.BOOKING_RATE_LIMIT, seconds=600)
    return request.method != "POST" or hit(limit, request)


@portal_view
@require_safe
def appointment_detail(request: HttpRequest, token: str) -> HttpResponse:
    appointment = appointment_of(request.portal_person, token)  # type: ignore[attr-defined]
    return render(request, "portal/appointment.html", _context(request, appointment, token))


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def appointment_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    appointment = appointment_of(request.portal_person, token)  # type: ignore[attr-defined]
    context = _context(request, appointment, token)
    if request.method == "POST":
        if not _within_limit(request):
            return render(request, "portal/too_many.html", status=429)
        try:
            appointment_cancel(
                appointment=appointment, now=timezone.now(), policy=ChangePolicy.ONLINE
            )
        except SchedulingError as error:
            context["error"] = error.message
            return render(request, "portal/appointment.html", context, status=409)
        messages.success(request, "Your appointment is cancelled. Thank you for letting us know.")
        return redirect("portal:home")
    return render(request, "portal/appointment_cancel.html", context)


def _parse_start(value: str | None) -> dt.datetime | None:
    if not value or len(value) > 40:
        return None
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if start.tzinfo is None or not 1900 <= start.year <= 2999:
        return None
    return start.astimezone(dt.UTC)


def _week(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("week", "0"))
    except ValueError:
        return 0


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def appointment_move_view(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a new time from the open ones, confirm it, and the appointment moves."""
    appointment = appointment_of(request.portal_person, token)  # type: ignore[attr-defined]
    context = _context(request, appointment, token)
    now = timezone.now()
    if not context["changeable"] or context["inside_window"]:
        return render(
            request,
            "portal/appointment.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        if not _within_limit(request):
            return render(request, "portal/too_many.html", status=429)
        start = _parse_start(request.POST.get("start"))
        kind = appointment.appointment_type
        if start is None:
            context["error"] = "That time couldn't be read. Please choose one of the times shown."
        elif "confirm" not in request.POST:
            # Choosing a time only asks; nothing moves until it is confirmed.
            if slot_is_open(appointment_type=kind, start=start, now=now, moving=appointment.pk):
                context |= {"new_start": start, "new_end": start + kind.duration}
                return render(request, "portal/appointment_move_confirm.html", context)
            context["error"] = unavailable_or_taken(
                appointment_type=kind, start=start, now=now
            ).message
        else:
            try:
                new = appointment_move(
                    appointment=appointment, start=start, now=now, policy=ChangePolicy.ONLINE
                )
            except SchedulingError as error:
                context["error"] = error.message
            else:
                messages.success(request, "Your appointment has moved to the new time.")
                return redirect("portal:appointment", token=new.manage_token())
    shown = slot_week(
        appointment_type=appointment.appointment_type,
        now=now,
        week=_week(request),
        zone=context["zone"],
        moving=appointment,
    )
    here = reverse("portal:appointment_move", args=[token])
    context |= {
        "days": shown.days,
        "next_url": f"{here}?week={shown.week + 1}" if shown.has_next else None,
        "previous_url": f"{here}?week={shown.week - 1}" if shown.has_previous else None,
    }
    return render(
        request,
        "portal/appointment_move.html",
        context,
        status=409 if "error" in context else 200,
    )
