"""Calendar downloads: the person's one appointment, and the clinician's private feed."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from confide.practice.models import Clinician
from confide.scheduling.ical import appointment_ics, clinician_feed_ics, latest
from confide.scheduling.models import Appointment

FEED_PAST = dt.timedelta(days=30)
FEED_AHEAD = dt.timedelta(days=365)
# Appointments that hold or held the clinician's time; cancelled and moved ones drop out.
FEED_STATUSES = (
    *Appointment.ACTIVE_STATUSES,
    Appointment.Status.COMPLETED,
    Appointment.Status.NO_SHOW,
)
# new_calendar_token() makes 43 characters; anything much shorter was never issued.
_MIN_TOKEN_LENGTH = 32


def _calendar_response(body: bytes, *, cache_control: str, filename: str | None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = cache_control
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def appointment_file(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar file, from the link on the manage page."""
    key = Appointment.key_from_manage_token(token)
    if key is None:
        raise Http404
    appointment = get_object_or_404(Appointment.objects.select_related("clinician"), manage_key=key)
    # An old link of a moved appointment shares the UID with the new one: give the current time,
    # never a cancellation that would remove the moved event from the person's calendar.
    current = latest(appointment)
    body = appointment_ics(current, now=timezone.now())
    return _calendar_response(body, cache_control="no-store", filename="appointment.ics")


@require_safe
def clinician_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The clinician's private feed, polled by their phone's calendar: initials and lengths only."""
    if len(token) < _MIN_TOKEN_LENGTH:
        raise Http404
    clinician = get_object_or_404(Clinician, calendar_token=token)
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(
            clinician=clinician,
            status__in=FEED_STATUSES,
            start__gte=now - FEED_PAST,
            start__lte=now + FEED_AHEAD,
        )
        .select_related("consultation")
        .order_by("start")
    )
    body = clinician_feed_ics(appointments, tz=clinician.tz(), now=now)
    return _calendar_response(body, cache_control="no-store, private", filename=None)


def clinician_feed_url(request: HttpRequest, clinician: Clinician) -> str:
    """Return the absolute address of the feed; it is the secret, so show it to its owner only."""
    return request.build_absolute_uri(
        reverse("scheduling:clinician_feed", args=[clinician.calendar_token])
    )
