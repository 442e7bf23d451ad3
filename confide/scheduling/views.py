"""The public booking journey: choose a format, a time, give details, confirm; then manage it."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from confide.accounts.ratelimit import Limit, hit
from confide.practice.models import Clinician, Practice
from confide.practice.page_cache import kept_pages
from confide.scheduling.booking import appointment_book
from confide.scheduling.changes import ChangePolicy, appointment_cancel, appointment_move
from confide.scheduling.errors import (
    AlreadyBooked,
    InsideCancellationWindow,
    SchedulingError,
    SlotPassed,
    SlotTaken,
)
from confide.scheduling.forms import BookingForm, RequestForm
from confide.scheduling.models import Appointment, AppointmentType, JoinState
from confide.scheduling.open_times import OPEN_TIMES_STAMP_KEY
from confide.scheduling.requests import consultation_request_create
from confide.scheduling.selectors import (
    inside_cancellation_window,
    nearest_slots,
    slot_is_open,
    slot_week,
    unavailable_or_taken,
    zone_choices,
    zone_label,
    zone_or_default,
)

_PAYLOAD_SALT = "confide.scheduling.booking"
# A person may take a while over the details, but a form left open for a day is stale.
_PAYLOAD_MAX_AGE = dt.timedelta(minutes=45)


def rate_limited(
    scope: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 with the practice's phone number when an address sends a form too often."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                limit = Limit(scope=scope, count=settings.BOOKING_RATE_LIMIT, seconds=600)
                if not hit(limit, request):
                    return render(request, "scheduling/too_many.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _public_type(clinician: str, kind: str) -> AppointmentType:
    appointment_type = (
        AppointmentType.objects.select_related("clinician")
        .filter(clinician__slug=clinician, slug=kind, active=True, clinician__listed=True)
        .exclude(booking=AppointmentType.Booking.OFFICE)
        .first()
    )
    if appointment_type is None:
        raise Http404("No such appointment type")
    return appointment_type


def _zone(request: HttpRequest, clinician: Clinician) -> ZoneInfo:
    return zone_or_default(request.GET.get("tz") or request.POST.get("tz"), clinician.time_zone)


def _format(request: HttpRequest, appointment_type: AppointmentType) -> str | None:
    formats = appointment_type.formats()
    chosen = request.GET.get("format") or request.POST.get("format")
    if len(formats) == 1:
        return formats[0]
    return chosen if chosen in formats else None


def _parse_start(value: str | None) -> dt.datetime | None:
    if not value or len(value) > 40:
        return None
    try:
        start = dt.datetime.fromisoformat(value)
        if start.tzinfo is None or not 1900 <= start.year <= 2999:
            # No time we offer is outside these years, and arithmetic near the ends overflows.
            return None
        return start.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # year 1 at +05:00 has no UTC instant
        return None


def _week(request: HttpRequest) -> int:
    """Return the week asked for (0 is this week); slot_week() keeps it inside the window."""
    try:
        return int(request.GET.get("week", "0"))
    except ValueError:
        return 0


def _query(**params: object) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


@require_safe
def book_start(request: HttpRequest) -> HttpResponse:
    """The door: which kind of appointment, and by phone or video."""
    types = list(
        AppointmentType.objects.select_related("clinician")
        .filter(active=True, clinician__listed=True, clinician__accepting_new_clients=True)
        .exclude(booking=AppointmentType.Booking.OFFICE)
        .order_by("clinician__order", "order")
    )
    consultations = [t for t in types if t.kind == AppointmentType.Kind.CONSULTATION]
    others = [t for t in types if t.kind != AppointmentType.Kind.CONSULTATION]
    return render(
        request,
        "scheduling/book_start.html",
        {"consultations": consultations, "others": others, "nav": "book"},
    )


# At most this long a kept slots page is shown without rendering it again.
KEPT_AT_MOST = dt.timedelta(minutes=5)


@require_safe
@kept_pages(query=True, also=(OPEN_TIMES_STAMP_KEY,), articles=False)
def slots(request: HttpRequest, clinician: str, kind: str) -> HttpResponse:
    """Open times for one week, in the visitor's time zone."""
    appointment_type = _public_type(clinician, kind)
    chosen_format = _format(request, appointment_type)
    zone = _zone(request, appointment_type.clinician)
    if chosen_format is None:
        return render(
            request,
            "scheduling/choose_format.html",
            {"appointment_type": appointment_type, "zone": zone},
        )
    now = timezone.now()
    shown = slot_week(appointment_type=appointment_type, now=now, week=_week(request), zone=zone)
    # A kept copy of this page lasts until its first time comes inside the minimum notice, and
    # a few minutes at most (the week turns over at midnight, new times open at the horizon).
    request.kept_until = min(  # type: ignore[attr-defined]
        [now + KEPT_AT_MOST]
        + [
            starts[0] - dt.timedelta(minutes=appointment_type.min_notice_minutes)
            for _, starts in shown.days
            if starts
        ]
    )
    week = shown.week
    details_url = reverse("scheduling:details", args=[clinician, kind])
    # The rest of each time's link is the same for every time on the page.
    link_rest = "&" + urlencode({"format": chosen_format, "tz": zone.key})
    context = {
        "appointment_type": appointment_type,
        "format": chosen_format,
        "format_label": Appointment.Format(chosen_format).label,
        "zone": zone,
        "zone_label": zone_label(zone),
        "zones": zone_choices(zone),
        "zone_keep": [("format", chosen_format), ("week", week)],
        "days": [
            (day, _time_links(day_starts, zone=zone, details_url=details_url, rest=link_rest))
            for day, day_starts in shown.days
        ],
        "week": week,
        "first_day": shown.first_day,
        "last_day": shown.last_day,
        "previous_url": _query(format=chosen_format, tz=zone.key, week=week - 1)
        if shown.has_previous
        else None,
        "next_url": _query(format=chosen_format, tz=zone.key, week=week + 1)
        if shown.has_next
        else None,
        "request_url": reverse("scheduling:request") + _query(clinician=clinician),
    }
    return render(request, "scheduling/slots.html", context)


def _time_links(
    starts: list[dt.datetime], *, zone: ZoneInfo, details_url: str, rest: str
) -> SafeString:
    """Return one day's open times as list items linking to the details form.

    Built here rather than in a template loop: with a hundred times a week, rendering each one
    through the template engine was most of the slots page's cost. Only the address's fixed
    parts can hold a character HTML needs escaped ("&"); they are escaped once, and each time's
    own part is percent-encoded.
    """
    href = f"{escape(details_url)}?start={{}}{escape(rest)}"
    # As the "A" of Django's time format, once per page instead of once per time.
    am, pm = escape(gettext("AM")), escape(gettext("PM"))
    items = []
    for start in starts:
        local = start.astimezone(zone)
        label = f"{local.hour % 12 or 12}:{local.minute:02d} {pm if local.hour > 11 else am}"
        link = href.format(quote_plus(start.isoformat().replace("+00:00", "Z")))
        items.append(f'<li><a class="time" href="{link}">{label}</a></li>')
    return mark_safe("".join(items))  # noqa: S308 - escaped or percent-encoded above


def _slot_problem(
    request: HttpRequest,
    appointment_type: AppointmentType,
    error: SchedulingError,
    *,
    around: dt.datetime | None,
    chosen_format: str | None,
    zone: ZoneInfo,
    status: int,
) -> HttpResponse:
    now = timezone.now()
    alternatives = (
        nearest_slots(appointment_type=appointment_type, around=around, now=now)
        if around is not None and chosen_format
        else []
    )
    details_url = reverse(
        "scheduling:details", args=[appointment_type.clinician.slug, appointment_type.slug]
    )
    context = {
        "appointment_type": appointment_type,
        "message": error.message,
        "taken": isinstance(error, SlotTaken),
        "alternatives": [
            (
                s,
                details_url
                + _query(
                    start=s.isoformat().replace("+00:00", "Z"), format=chosen_format, tz=zone.key
                ),
            )
            for s in alternatives
        ],
        "zone": zone,
        "zone_label": zone_label(zone),
        "slots_url": reverse(
            "scheduling:slots", args=[appointment_type.clinician.slug, appointment_type.slug]
        )
        + _query(format=chosen_format, tz=zone.key),
    }
    return render(request, "scheduling/slot_problem.html", context, status=status)


def _checked_slot(
    request: HttpRequest, appointment_type: AppointmentType, zone: ZoneInfo
) -> tuple[dt.datetime, str] | HttpResponse:
    """Return the requested start and format, or the page that explains what is wrong."""
    chosen_format = _format(request, appointment_type)
    start = _parse_start(request.GET.get("start"))
    if start is None or chosen_format is None:
        return _slot_problem(
            request,
            appointment_type,
            SchedulingError(
                "That link doesn't point to a time we offered. Please choose a time again."
            ),
            around=None,
            chosen_format=chosen_format,
            zone=zone,
            status=400,
        )
    now = timezone.now()
    if not slot_is_open(appointment_type=appointment_type, start=start, now=now):
        error = (
            SlotPassed()
            if start <= now
            else unavailable_or_taken(appointment_type=appointment_type, start=start, now=now)
        )
        return _slot_problem(
            request,
            appointment_type,
            error,
            around=max(start, now),
            chosen_format=chosen_format,
            zone=zone,
            status=409 if isinstance(error, SlotTaken) else 400,
        )
    return start, chosen_format


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("booking-details")
def details(request: HttpRequest, clinician: str, kind: str) -> HttpResponse:
    """Ask for the few details needed; a valid form goes on to the confirmation step."""
    appointment_type = _public_type(clinician, kind)
    zone = _zone(request, appointment_type.clinician)
    checked = _checked_slot(request, appointment_type, zone)
    if isinstance(checked, HttpResponse):
        return checked
    start, chosen_format = checked
    form = BookingForm(request.POST or None, format=chosen_format)
    context: dict[str, object] = {
        "appointment_type": appointment_type,
        "start": start,
        "end": start + appointment_type.duration,
        "format": chosen_format,
        "format_label": Appointment.Format(chosen_format).label,
        "zone": zone,
        "zone_label": zone_label(zone),
        "slots_url": reverse("scheduling:slots", args=[clinician, kind])
        + _query(format=chosen_format, tz=zone.key),
    }
    editing = request.method == "POST" and "edit" in request.POST
    if request.method == "POST" and not editing and form.is_valid():
        payload = {
            "type": appointment_type.pk,
            "start": start.isoformat(),
            "format": chosen_format,
            "tz": zone.key,
            "contact": form.cleaned_data | {"for_couple": bool(form.cleaned_data["for_couple"])},
            "key": secrets.token_urlsafe(24),
        }
        context["contact"] = form.contact()
        context["payload"] = signing.dumps(payload, salt=_PAYLOAD_SALT, compress=True)
        context["confirm_url"] = reverse("scheduling:confirm", args=[clinician, kind])
        context["edit_url"] = request.get_full_path()
        context["edit_fields"] = [
            (name, value)
            for name, value in request.POST.items()
            if name in form.fields and value not in ("", None)
        ]
        return render(request, "scheduling/confirm.html", context)
    context["form"] = form
    status = 400 if form.is_bound and not editing and form.errors else 200
    return render(request, "scheduling/details.html", context, status=status)


@never_cache
@require_POST
@rate_limited("booking-confirm")
def confirm(request: HttpRequest, clinician: str, kind: str) -> HttpResponse:
    """Make the booking from the signed details; each signed form books at most once."""
    appointment_type = _public_type(clinician, kind)
    zone = _zone(request, appointment_type.clinician)
    try:
        payload = signing.loads(
            request.POST.get("payload", ""),
            salt=_PAYLOAD_SALT,
            max_age=_PAYLOAD_MAX_AGE,
        )
    except signing.SignatureExpired:
        return _slot_problem(
            request,
            appointment_type,
            SchedulingError(
                "This form was open too long and has expired, so nothing was booked. "
                "Please choose a time again."
            ),
            around=None,
            chosen_format=None,
            zone=zone,
            status=400,
        )
    except signing.BadSignature:
        return _slot_problem(
            request,
            appointment_type,
            SchedulingError(
                "This form couldn't be read, so nothing was booked. Please choose a time again."
            ),
            around=None,
            chosen_format=None,
            zone=zone,
            status=400,
        )
    if payload.get("type") != appointment_type.pk:
        raise Http404("Form for another appointment type")
    start = dt.datetime.fromisoformat(payload["start"])
    # The details were valid when signed; reading them through the form again keeps one
    # definition of what they mean, and catches a rule that changed in between.
    form = BookingForm(
        payload["contact"] | {"for_couple": "1" if payload["contact"]["for_couple"] else "0"},
        format=payload["format"],
    )
    if not form.is_valid():
        return _slot_problem(
            request,
            appointment_type,
            SchedulingError("Please fill in your details again."),
            around=start,
            chosen_format=payload["format"],
            zone=zone,
            status=400,
        )
    contact = replace(form.contact(), time_zone=zone.key)
    try:
        appointment = appointment_book(
            appointment_type=appointment_type,
            start=start,
            format=payload["format"],
            contact=contact,
            now=timezone.now(),
            booking_key=payload["key"],
        )
    except AlreadyBooked as already:
        appointment = already.appointment
    except SchedulingError as error:
        return _slot_problem(
            request,
            appointment_type,
            error,
            around=start,
            chosen_format=payload["format"],
            zone=zone,
            status=409,
        )
    return redirect(
        reverse("scheduling:booked", args=[appointment.manage_token()]) + _query(tz=zone.key)
    )


def _appointment_for(token: str) -> Appointment:
    key = Appointment.key_from_manage_token(token)
    if key is None:
        raise Http404("No such appointment")
    return get_object_or_404(
        Appointment.objects.select_related(
            "appointment_type", "clinician", "consultation", "rescheduled_to"
        ),
        manage_key=key,
    )


def _appointment_context(
    request: HttpRequest, appointment: Appointment, token: str
) -> dict[str, object]:
    zone = _zone(request, appointment.clinician)
    now = timezone.now()
    return {
        "appointment": appointment,
        "token": token,
        "zone": zone,
        "zone_label": zone_label(zone),
        "changeable": appointment.is_active and appointment.start > now,
        "inside_window": inside_cancellation_window(appointment=appointment, now=now),
        "join_state": appointment.join_state(now=now).value,
        "practice": Practice.load(),
        "phone_given": _phone_given(appointment),
        "book_again_url": _book_again_url(appointment, zone),
    }


def _phone_given(appointment: Appointment) -> bool:
    """Return True when the practice has a number to call for this appointment."""
    if appointment.consultation is not None:
        return bool(appointment.consultation.phone)
    if appointment.client is not None:
        return any(person.phone for person in appointment.client.people.all())
    return False


@never_cache
@require_safe
def booked(request: HttpRequest, token: str) -> HttpResponse:
    """What happens next, right after booking."""
    appointment = _appointment_for(token)
    context = _appointment_context(request, appointment, token)
    consultation = appointment.consultation
    context["texted"] = consultation is not None and consultation.reach().channels() == ["text"]
    context["manage_link"] = request.build_absolute_uri(reverse("scheduling:manage", args=[token]))
    return render(request, "scheduling/booked.html", context)


@never_cache
@require_safe
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """See the appointment as it stands now, and change or cancel it while that is allowed."""
    appointment = _appointment_for(token)
    return render(
        request, "scheduling/manage.html", _appointment_context(request, appointment, token)
    )


def _book_again_url(appointment: Appointment, zone: ZoneInfo) -> str:
    """Return where to choose a new time: the same kind of appointment when the public may
    book it, else the door to booking."""
    kind = appointment.appointment_type
    clinician = appointment.clinician
    if kind.is_public and clinician.listed and clinician.accepting_new_clients:
        return reverse("scheduling:slots", args=[clinician.slug, kind.slug]) + _query(
            format=appointment.format if appointment.format in kind.formats() else None,
            tz=zone.key,
        )
    return reverse("scheduling:book")


@never_cache
@require_safe
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Send the person to the video room while it is open; otherwise say when, or why not.

    The room's address is only ever in this redirect, made when the link is followed, so an
    old message or a forwarded link never holds a live room.
    """
    appointment = _appointment_for(token)
    now = timezone.now()
    state = appointment.join_state(now=now)
    if state == JoinState.OPEN:
        response: HttpResponse = HttpResponseRedirect(appointment.video_room())
    else:
        context = _appointment_context(request, appointment, token)
        # Without ?tz (a link from a message), the zone the person booked in, if they did.
        booked_in = appointment.consultation.time_zone if appointment.consultation else ""
        zone = zone_or_default(request.GET.get("tz") or booked_in, appointment.clinician.time_zone)
        context |= {
            "state": state.value,
            "opens_at": appointment.join_opens_at,
            "zone": zone,
            "zone_label": zone_label(zone),
        }
        response = render(request, "scheduling/join.html", context)
    # The page's address holds the manage token; the room's host must never see it.
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def join_with_slash(request: HttpRequest, token: str) -> HttpResponse:
    """Send the join link written with a trailing slash to the one address it has."""
    return HttpResponsePermanentRedirect(reverse("scheduling:join", args=[token]))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("manage")
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_for(token)
    context = _appointment_context(request, appointment, token)
    if request.method == "POST":
        try:
            appointment_cancel(
                appointment=appointment, now=timezone.now(), policy=ChangePolicy.ONLINE
            )
        except SchedulingError as error:
            context["error"] = error.message
            context["inside_window"] = isinstance(error, InsideCancellationWindow)
            return render(request, "scheduling/manage.html", context, status=409)
        zone = _zone(request, appointment.clinician)
        return HttpResponseRedirect(
            reverse("scheduling:manage", args=[token]) + _query(tz=zone.key, done="cancelled")
        )
    return render(request, "scheduling/cancel.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("manage")
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_for(token)
    context = _appointment_context(request, appointment, token)
    zone: ZoneInfo = context["zone"]  # type: ignore[assignment]
    now = timezone.now()
    if not context["changeable"] or context["inside_window"]:
        return render(
            request,
            "scheduling/manage.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        start = _parse_start(request.POST.get("start"))
        if start is None:
            context["error"] = "That time couldn't be read. Please choose one of the times shown."
        elif "confirm" not in request.POST:
            # A time chosen is only a question, as a booking's details are: nothing moves yet.
            if slot_is_open(
                appointment_type=appointment.appointment_type,
                start=start,
                now=now,
                moving=appointment.pk,
            ):
                context |= {
                    "new_start": start,
                    "new_end": start + appointment.appointment_type.duration,
                    "back_url": reverse("scheduling:reschedule", args=[token])
                    + _query(tz=zone.key),
                }
                return render(request, "scheduling/reschedule_confirm.html", context)
            context["error"] = unavailable_or_taken(
                appointment_type=appointment.appointment_type, start=start, now=now
            ).message
        else:
            try:
                new = appointment_move(
                    appointment=appointment, start=start, now=now, policy=ChangePolicy.ONLINE
                )
            except SchedulingError as error:
                context["error"] = error.message
            else:
                return redirect(
                    reverse("scheduling:manage", args=[new.manage_token()])
                    + _query(tz=zone.key, done="moved")
                )
    shown = slot_week(
        appointment_type=appointment.appointment_type,
        now=now,
        week=_week(request),
        zone=zone,
        moving=appointment,
    )
    context |= {
        "days": shown.days,
        "next_url": _query(tz=zone.key, week=shown.week + 1) if shown.has_next else None,
        "previous_url": _query(tz=zone.key, week=shown.week - 1) if shown.has_previous else None,
        "zones": zone_choices(zone),
    }
    return render(
        request, "scheduling/reschedule.html", context, status=409 if "error" in context else 200
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("consultation-request")
def request_consultation(request: HttpRequest) -> HttpResponse:
    """When no offered time fits: leave preferred times and a way to reach you."""
    clinicians = Clinician.objects.filter(listed=True, accepting_new_clients=True)
    clinician = (
        clinicians.filter(slug=request.GET.get("clinician", "")).first() or clinicians.first()
    )
    if clinician is None:
        raise Http404("Not taking new clients")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_request_create(
                clinician=clinician,
                contact=replace(form.contact(), time_zone=_zone(request, clinician).key),
                preferred_times=form.cleaned_data["preferred_times"],
            )
        except SchedulingError as error:
            form.add_error(None, error.message)
        else:
            return redirect("scheduling:request_sent")
    return render(
        request,
        "scheduling/request.html",
        {"form": form, "clinician": clinician, "nav": "book"},
        status=400 if form.errors else 200,
    )


@require_safe
def request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "scheduling/request_sent.html")
