"""The calendar, appointments for clients, and consultation requests, in the office."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from confide.accounts.access import clinical_access, clinician_scope, office_view, scoped
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client, ConsultationRequest, Person
from confide.clients.screening import flagged_categories, labels_of
from confide.clients.services import person_details_from_request
from confide.lib.crypto import DecryptionError
from confide.office.forms_schedule import (
    AcceptRequestForm,
    AppointmentForm,
    CloseRequestForm,
    MoveForm,
    RoomForm,
)
from confide.office.paging import page_of
from confide.office.series_views import series_context
from confide.practice.models import Clinician, Practice
from confide.scheduling.access import appointment_for, request_for
from confide.scheduling.attendance import outcome_changeable
from confide.scheduling.booking import appointment_create, appointment_series_create
from confide.scheduling.changes import (
    CancelledBy,
    ChangePolicy,
    appointment_cancel,
    appointment_move,
)
from confide.scheduling.errors import SchedulingError, SeriesCollision
from confide.scheduling.models import Appointment, AppointmentType
from confide.scheduling.requests import (
    consultation_request_accept,
    consultation_request_close,
    consultation_request_contacted,
)
from confide.scheduling.selectors import (
    display_zone,
    inside_cancellation_window,
    outside_working_hours,
    series_starts,
    wall_time_issue,
    zone_label,
)
from confide.scheduling.slots import wall_to_utc

OPEN_REQUESTS = (ConsultationRequest.Status.NEW, ConsultationRequest.Status.CONTACTED)


def _day_label(day: dt.date) -> str:
    return dateformat.format(day, "l, F j, Y")


# -- Appointments --------------------------------------------------------------------------------


def _bookable_clients(user: Any) -> QuerySet[Client]:
    return (
        Client.objects.visible_to(user)
        .exclude(status=Client.Status.DISCHARGED)
        .filter(anonymized_at__isnull=True)
        .select_related("clinician")
    )


def _bookable_types(user: Any) -> QuerySet[AppointmentType]:
    # Types are no client's record (the public pages list them): only whose to book is scoped.
    return scoped(AppointmentType.objects.filter(active=True), user).select_related("clinician")


@office_view()
def appointment_new(request: HttpRequest) -> HttpResponse:
    """Book a session, or a series of them, for a client."""
    clients, types = _bookable_clients(request.user), _bookable_types(request.user)
    initial: dict[str, Any] = {"repeat": "0"}
    if uid := request.GET.get("client"):
        initial["client"] = clients.filter(uid=uid).first() if _is_uuid(uid) else None
    form = AppointmentForm(request.POST or None, initial=initial, clients=clients, types=types)
    collision = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client: Client = data["client"]
        kind: AppointmentType = data["appointment_type"]
        tz = client.clinician.tz()
        count = data["count"] if form.every_weeks else 1
        starts = series_starts(
            first_day=data["date"], wall=data["time"], tz=tz,
            every_weeks=form.every_weeks or 1, count=count,
        )  # fmt: skip
        try:
            if form.every_weeks:
                result = appointment_series_create(
                    client=client, appointment_type=kind, format=data["format"], starts=starts,
                    skip_collisions=data["skip_collisions"], actor=request.user, request=request,
                )  # fmt: skip
                booked, skipped = result.booked, result.skipped
            else:
                booked = [
                    appointment_create(
                        client=client, appointment_type=kind, format=data["format"],
                        start=starts[0], actor=request.user, request=request,
                    )
                ]  # fmt: skip
                skipped = []
        except SeriesCollision as error:
            form.add_error(None, error.message)
            collision = True
        except SchedulingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _report_booking(request, booked, skipped, tz)
            return redirect(_office_url(booked[0]))
    context = {"nav": "calendar", "form": form, "collision": collision}
    return render(request, "office/appointment_form.html", context)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _office_url(appointment: Appointment) -> str:
    return reverse("office:appointment", args=[appointment.pk])


def _report_booking(
    request: HttpRequest, booked: list[Appointment], skipped: list[dt.datetime], tz: ZoneInfo
) -> None:
    """Say what was booked, and warn about skipped dates and times outside working hours."""
    first = booked[0]
    when = dateformat.format(first.start.astimezone(tz), "l, F j, g:i A")
    if len(booked) == 1:
        messages.success(request, f"Booked for {when}.")
    else:
        messages.success(request, f"Booked {len(booked)} sessions, the first on {when}.")
    if skipped:
        days = ", ".join(dateformat.format(s.astimezone(tz), "M j") for s in skipped)
        messages.warning(request, f"Skipped because they overlap another appointment: {days}.")
    local = first.start.astimezone(tz)
    if issue := wall_time_issue(day=local.date(), wall=_wall_asked(request) or local.time(), tz=tz):
        messages.warning(request, issue)
    outside = outside_working_hours(
        clinician=first.clinician,
        starts=[a.start for a in booked],
        duration=first.end - first.start,
    )
    if outside:
        days = ", ".join(dateformat.format(s.astimezone(tz), "M j g:i A") for s in outside)
        messages.warning(request, f"Outside your working hours or on time off: {days}.")


def _wall_asked(request: HttpRequest) -> dt.time | None:
    """Return the time as typed, which may be one daylight saving skips or repeats."""
    try:
        return dt.time.fromisoformat(request.POST.get("time", ""))
    except ValueError:
        return None


@office_view()
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for(request.user, pk)
    tz = appointment.clinician.tz()
    if appointment.client is not None:
        audit_record(
            request=request, actor=request.user, action=AuditEvent.Action.VIEW,
            target_type="client", target_uid=appointment.client.uid,
            client_uid=appointment.client.uid, summary="opened appointment",
        )  # fmt: skip
    local = appointment.start.astimezone(tz)
    move_form = MoveForm(initial={"date": local.date(), "time": local.time()})
    context = _detail_context(appointment, tz, move_form, clinical=clinical_access(request.user))
    return render(request, "office/appointment_detail.html", context)


def _detail_context(
    appointment: Appointment, tz: ZoneInfo, move_form: MoveForm, *, clinical: bool
) -> dict[str, Any]:
    now = timezone.now()
    return {
        "nav": "calendar",
        "appointment": appointment,
        "local_start": appointment.start.astimezone(tz),
        "local_end": appointment.end.astimezone(tz),
        "zone_label": zone_label(tz),
        "display_tz": tz,
        "move_form": move_form,
        "room_form": RoomForm(initial={"video_room_url": appointment.video_room_url}),
        "can_change": appointment.is_active,
        "can_record": outcome_changeable(appointment, now),
        "can_write_note": clinical
        and appointment.client is not None
        and appointment.start <= now
        and appointment.status in (Appointment.Status.CONFIRMED, Appointment.Status.COMPLETED),
        "outcomes": Appointment.Outcome.choices,
        "late_if_client": appointment.is_active
        and inside_cancellation_window(appointment=appointment, now=now),
        "cancellation_window_hours": Practice.load().cancellation_window_hours,
        "partners": _partners(appointment),
        **series_context(appointment, tz),
        "calendar_url": reverse("office:calendar")
        + f"?date={appointment.start.astimezone(tz).date().isoformat()}&view=day",
    }


def _partners(appointment: Appointment) -> list[tuple[Person, bool]]:
    """Return a couple's partners, each with whether they came (both, until told otherwise)."""
    client = appointment.client
    if client is None or client.kind != Client.Kind.COUPLE:
        return []
    people = list(client.people.all())
    if appointment.outcome != Appointment.Outcome.ATTENDED:
        return [(person, True) for person in people]
    present = {p.pk for p in appointment.partners_present.all()}
    return [(person, person.pk in present) for person in people]


@office_view()
@require_POST
def appointment_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for(request.user, pk)
    tz = appointment.clinician.tz()
    form = MoveForm(request.POST)
    if form.is_valid():
        start = wall_to_utc(form.cleaned_data["date"], form.cleaned_data["time"], tz)
        try:
            moved = appointment_move(
                appointment=appointment, start=start, now=timezone.now(),
                policy=ChangePolicy.OFFICE, actor=request.user, request=request,
            )  # fmt: skip
        except SchedulingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            when = dateformat.format(moved.start.astimezone(tz), "l, F j, g:i A")
            messages.success(request, f"Moved to {when}.")
            day = form.cleaned_data["date"]
            if issue := wall_time_issue(day=day, wall=form.cleaned_data["time"], tz=tz):
                messages.warning(request, issue)
            if outside_working_hours(
                clinician=moved.clinician, starts=[moved.start], duration=moved.end - moved.start
            ):
                messages.warning(request, "The new time is outside working hours or on time off.")
            return redirect(_office_url(moved))
    context = _detail_context(appointment, tz, form, clinical=clinical_access(request.user))
    return render(request, "office/appointment_detail.html", context, status=400)


@office_view()
@require_POST
def appointment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_for(request.user, pk)
    asked = request.POST.get("by")
    if asked not in ("client", "practice"):
        # Who asked decides whether it is a late cancellation, which may carry a fee.
        messages.error(request, "Say who is cancelling: the client or the practice.")
        return redirect(_office_url(appointment))
    by: CancelledBy = "client" if asked == "client" else "practice"
    try:
        cancelled = appointment_cancel(
            appointment=appointment, now=timezone.now(), policy=ChangePolicy.OFFICE,
            actor=request.user, request=request, by=by,
        )  # fmt: skip
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        if cancelled.outcome == Appointment.Outcome.LATE_CANCEL:
            messages.success(
                request,
                "The appointment is cancelled. It was inside the cancellation window, so it is "
                "recorded as a late cancellation.",
            )
        else:
            messages.success(request, "The appointment is cancelled.")
    return redirect(_office_url(appointment))


# -- Consultation requests -----------------------------------------------------------------------

REQUEST_FILTERS = {
    "open": ("Open", Q(status__in=OPEN_REQUESTS)),
    "client": ("Became clients", Q(status=ConsultationRequest.Status.CLIENT)),
    "closed": ("Closed", Q(status=ConsultationRequest.Status.CLOSED)),
    "all": ("All", Q()),
}


@office_view()
def request_list(request: HttpRequest) -> HttpResponse:
    """Consultation requests, the ones that may signal a crisis first."""
    shown = request.GET.get("show", "open")
    if shown not in REQUEST_FILTERS:
        shown = "open"
    requests = (
        ConsultationRequest.objects.visible_to(request.user)
        .filter(REQUEST_FILTERS[shown][1])
        .select_related("clinician")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.only("consultation_id", "start", "status").order_by(
                    "start"
                ),
            )
        )
        .order_by("-needs_attention", "-created_at")
    )
    paged = page_of(request, requests)
    for consultation in paged.items:
        _request_row_add(consultation)
    context = {
        "nav": "requests",
        "requests": paged.items,
        "paged": paged,
        "shown": shown,
        "filters": [(key, label) for key, (label, _) in REQUEST_FILTERS.items()],
        "display_tz": display_zone(request.user),
        "show_clinician": clinician_scope(request.user) is None and Clinician.objects.count() > 1,
    }
    return render(request, "office/request_list.html", context)


# How the list of requests words the state of a request's appointment.
APPOINTMENT_STATES: dict[str, str] = {
    Appointment.Status.REQUESTED: "waiting for confirmation",
    Appointment.Status.CONFIRMED: "confirmed",
    Appointment.Status.DECLINED: "declined",
    Appointment.Status.CANCELLED: "cancelled",
    Appointment.Status.COMPLETED: "held",
    Appointment.Status.NO_SHOW: "no-show",
}
# An appointment in one of these states no longer keeps a request waiting for an answer.
ENDED_APPOINTMENTS = (
    Appointment.Status.CANCELLED,
    Appointment.Status.DECLINED,
    Appointment.Status.RESCHEDULED,
)


def _request_row_add(consultation: ConsultationRequest) -> None:
    """Give a listed request the appointment it leads to, its state in words, and whether it ended.

    A request whose every appointment was cancelled or declined, or that was closed, is no longer
    new: the list says so instead of showing it like one still waiting.
    """
    booked = list(consultation.appointments.all())
    live = [a for a in booked if a.status not in ENDED_APPOINTMENTS]
    shown = live[-1] if live else (booked[-1] if booked else None)
    ended = bool(booked) and not live and consultation.status in OPEN_REQUESTS
    consultation.listed_appointment = shown  # type: ignore[attr-defined]
    consultation.appointment_state = (  # type: ignore[attr-defined]
        APPOINTMENT_STATES.get(shown.status, "") if shown else ""
    )
    consultation.ended = ended  # type: ignore[attr-defined]
    consultation.looks_new = (  # type: ignore[attr-defined]
        consultation.status == ConsultationRequest.Status.NEW and not ended
    )


def _opened(consultation: ConsultationRequest, name: str) -> str | None:
    """Return a sealed text of the request, or None when it does not open."""
    try:
        return str(getattr(consultation, name))
    except DecryptionError:
        return None


def _request_context(
    request: HttpRequest, consultation: ConsultationRequest, **forms: Any
) -> dict[str, Any]:
    tz = display_zone(request.user, consultation.clinician)
    note, note_error = "", False
    # Read here, not in the template: a template's {% if %} would hide a value that does not open.
    preferred_times: str | None = ""
    close_reason: str | None = ""
    # The note is whatever the person chose to tell; it may be clinical, so a practice manager,
    # who sees contact details, does not see it.
    may_read_note = clinical_access(request.user)
    if may_read_note:
        try:
            note = consultation.note
        except DecryptionError:
            note_error = True
        preferred_times = _opened(consultation, "preferred_times")
        close_reason = _opened(consultation, "close_reason")
    # Named again from the words, never stored: the categories say as much as the words do.
    flagged_labels: list[str] = []
    if may_read_note and consultation.needs_attention:
        words = (note, preferred_times or "", _opened(consultation, "safe_times") or "")
        flagged_labels = labels_of(flagged_categories(*words))
    appointments = list(
        consultation.appointments.select_related("appointment_type").order_by("start")
    )
    for appointment in appointments:
        appointment.local_start = appointment.start.astimezone(tz)  # type: ignore[attr-defined]
    client = _client_of(consultation)
    is_open = consultation.status in OPEN_REQUESTS
    accept_form = forms.get("accept_form") or AcceptRequestForm(
        initial={
            "kind": Client.Kind.COUPLE if consultation.for_couple else Client.Kind.INDIVIDUAL,
            "partner_name": consultation.partner_name,
        }
    )
    return {
        "nav": "requests",
        "consultation": consultation,
        "reach": consultation.reach(),
        "may_read_note": may_read_note,
        "note": note,
        "note_error": note_error,
        "flagged_labels": flagged_labels,
        "preferred_times": preferred_times,
        "close_reason": close_reason,
        "appointments": appointments,
        "zone_label": zone_label(tz),
        "display_tz": tz,
        "client": client,
        "is_open": is_open,
        "accept_form": accept_form,
        "close_form": forms.get("close_form") or CloseRequestForm(),
    }


def _client_of(consultation: ConsultationRequest) -> Client | None:
    """Return the client the request became, or None while it has not become one."""
    try:
        return consultation.client
    except Client.DoesNotExist:
        return None


@office_view()
def request_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    consultation = request_for(request.user, uid)
    # Against the client too once there is one, so their own audit page lists the opening.
    client = _client_of(consultation)
    audit_record(
        request=request, actor=request.user, action=AuditEvent.Action.VIEW,
        target_type="consultationrequest", target_uid=consultation.uid,
        client_uid=client.uid if client is not None else None, summary="opened request",
    )  # fmt: skip
    return render(request, "office/request_detail.html", _request_context(request, consultation))


def _request_url(consultation: ConsultationRequest) -> str:
    return reverse("office:request", args=[consultation.uid])


@office_view()
@require_POST
def request_contacted(request: HttpRequest, uid: Any) -> HttpResponse:
    consultation = request_for(request.user, uid)
    try:
        consultation_request_contacted(consultation=consultation, actor=request.user,
                                       request=request)  # fmt: skip
    except SchedulingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as contacted.")
    return redirect(_request_url(consultation))


@office_view()
@require_POST
def request_close(request: HttpRequest, uid: Any) -> HttpResponse:
    consultation = request_for(request.user, uid)
    form = CloseRequestForm(request.POST)
    if form.is_valid():
        try:
            consultation_request_close(
                consultation=consultation, reason=form.cleaned_data["reason"],
                actor=request.user, request=request,
            )  # fmt: skip
        except SchedulingError as error:
            form.add_error("reason" if error.field else None, error.message)
        else:
            messages.success(request, "The request is closed.")
            return redirect(_request_url(consultation))
    context = _request_context(request, consultation, close_form=form)
    return render(request, "office/request_detail.html", context, status=400)


@office_view()
@require_POST
def request_accept(request: HttpRequest, uid: Any) -> HttpResponse:
    """Turn the request into a client: an individual, or a couple with the partner's details."""
    consultation = request_for(request.user, uid)
    form = AcceptRequestForm(request.POST)
    if form.is_valid():
        people = [person_details_from_request(consultation)]
        if form.cleaned_data["kind"] == Client.Kind.COUPLE:
            people.append(form.partner.person())
        try:
            client = consultation_request_accept(
                consultation=consultation, kind=form.cleaned_data["kind"], people=people,
                display_name=form.cleaned_data["display_name"], actor=request.user,
                request=request,
            )  # fmt: skip
        except SchedulingError as error:
            # Most likely accepted a moment ago (a form sent twice): the page shows the client.
            messages.error(request, error.message)
            return redirect(_request_url(consultation))
        else:
            messages.success(request, f"{client.display_name} is now a client.")
            return redirect(client.get_absolute_url())
    context = _request_context(request, consultation, accept_form=form)
    return render(request, "office/request_detail.html", context, status=400)
