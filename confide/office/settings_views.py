"""The practice's settings in the office: its profile, clinicians, what they offer, their hours.

Who may change what (each page says so in its help text):

- The practice profile (name, contact details, address, help-now numbers, record rules) is the
  owner's: it is what the practice says about itself and promises.
- Booking rules (the cancellation window and policy) concern the schedule, so the practice
  manager may change them too.
- Clinicians' profiles are the owner's to add and change; a clinician may change their own.
- Appointment types, weekly hours and time off are the schedule: the owner and the practice
  manager for every clinician, a clinician for their own.

Writes are services (confide/practice/services.py, confide/scheduling/appointment_types.py and
availability.py); each announces the change for the audit log, and saves through the models,
whose signals renew the public pages' stamps (decision 14).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import ALL_ROLES, OWNER_ONLY, Role, clinician_scope, office_view
from confide.office.forms_settings import (
    AppointmentTypeForm,
    BookingRulesForm,
    ClinicianForm,
    ExtraHoursForm,
    PracticeProfileForm,
    TimeOffForm,
    WeeklyHoursForm,
)
from confide.practice.models import Clinician, Practice
from confide.practice.services import clinician_save, practice_profile_save
from confide.scheduling.appointment_types import (
    appointment_type_deactivate,
    appointment_type_reactivate,
    appointment_type_save,
)
from confide.scheduling.availability import (
    TimeOffCoversSessions,
    availability_rule_add,
    availability_rule_remove,
    time_off_add,
)
from confide.scheduling.models import AppointmentType, AvailabilityRule
from confide.scheduling.selectors import time_off_between, zone_label

SCHEDULE_ROLES = ALL_ROLES  # a clinician only their own, through _clinician_for
PROFILE_ROLES = frozenset({Role.OWNER, Role.CLINICIAN})  # a clinician only their own
BOOKING_RULES_ROLES = frozenset({Role.OWNER, Role.PRACTICE_MANAGER})
GET_POST = ("GET", "HEAD", "POST")


# -- Access ---------------------------------------------------------------------------------------


def _clinicians(user: Any) -> QuerySet[Clinician]:
    """Return the clinicians whose settings the user may change: all, or only their own."""
    own = clinician_scope(user)
    return Clinician.objects.filter(pk=own.pk) if own is not None else Clinician.objects.all()


def _clinician_for(user: Any, pk: int) -> Clinician:
    """Return the clinician, or raise 404 for one outside the user's scope."""
    return get_object_or_404(_clinicians(user), pk=pk)


def _type_for(user: Any, pk: int) -> AppointmentType:
    return get_object_or_404(
        AppointmentType.objects.filter(clinician__in=_clinicians(user)).select_related("clinician"),
        pk=pk,
    )


def _rule_for(user: Any, pk: int) -> AvailabilityRule:
    return get_object_or_404(
        AvailabilityRule.objects.filter(clinician__in=_clinicians(user)).select_related(
            "clinician"
        ),
        pk=pk,
    )


def page_link(request: HttpRequest, name: str, *args: Any) -> str | None:
    """Return the address of the office page ``name`` if it exists and the user may open it.

    Settings pages added by other parts of the office appear on the index once their URL
    exists; a page whose roles leave the user out is not offered.
    """
    try:
        url = reverse(name, args=args)
        match = resolve(url)
    except (NoReverseMatch, Resolver404):
        return None
    roles = getattr(match.func, "office_roles", None)
    role = getattr(request, "staff_role", None)
    return url if roles is None or role in roles else None


def _first_link(request: HttpRequest, *names: str) -> str | None:
    for name in names:
        url = page_link(request, name)
        if url is not None:
            return url
    return None


def _status(form: BaseForm | None) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200


def _today(clinician: Clinician) -> dt.date:
    return timezone.now().astimezone(clinician.tz()).date()


# -- The index -----------------------------------------------------------------------------------


# Pages other parts of the office add under /office/settings/: (title, what it is, URL names to
# try, first found wins). They show once they exist.
OTHER_PAGES = (
    (
        "Reminders and quiet hours",
        "When reminders go out, and when no text message is sent.",
        ("office:settings_reminders", "office:reminders"),
    ),
    (
        "Messages",
        "Messages that could not be sent, and the demo outbox.",
        ("office:settings_messages", "office:outbox", "office:messages"),
    ),
    (
        "Staff",
        "Who can sign in, their role and second factor.",
        ("office:settings_staff", "office:staff"),
    ),
    (
        "Website",
        "Pages, questions and articles.",
        ("office:settings_website", "office:website"),
    ),
    (
        "Intake paperwork",
        "The documents new clients read and sign, and the default packet.",
        ("office:settings_intake",),
    ),
)


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def settings_index(request: HttpRequest) -> HttpResponse:
    """Every settings page the user may open, grouped as the practice thinks of them."""
    practice_pages = [
        {
            "title": "Practice profile and address",
            "about": "Name, contact details, where sessions happen, help-now numbers.",
            "url": page_link(request, "office:settings_practice"),
        },
        {
            "title": "Booking rules",
            "about": "The cancellation window and policy.",
            "url": page_link(request, "office:settings_booking_rules"),
        },
        {
            "title": "Clinicians",
            "about": "Profiles, photos, credentials and approaches; add a clinician.",
            "url": page_link(request, "office:settings_clinicians"),
        },
    ]
    others = [
        {"title": title, "about": about, "url": _first_link(request, *names)}
        for title, about, names in OTHER_PAGES
    ]
    own = clinician_scope(request.user)
    context = {
        "nav": "settings",
        "pages": [page for page in [*practice_pages, *others] if page["url"]],
        "own": own,
        "clinicians": _clinicians(request.user),
        "is_owner": request.staff_role == Role.OWNER,  # type: ignore[attr-defined]
    }
    return render(request, "office/settings/index.html", context)


# -- The practice --------------------------------------------------------------------------------


@office_view(roles=OWNER_ONLY)
@require_http_methods(GET_POST)
def practice_profile(request: HttpRequest) -> HttpResponse:
    practice = Practice.load()
    form = PracticeProfileForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            practice_profile_save(
                practice=form.save(commit=False),
                changed=form.changed_data,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Practice profile saved. The site shows it now.")
            return redirect("office:settings_practice")
    context = {"form": form, "nav": "settings"}
    return render(request, "office/settings/practice.html", context, status=_status(form))


@office_view(roles=BOOKING_RULES_ROLES)
@require_http_methods(GET_POST)
def booking_rules(request: HttpRequest) -> HttpResponse:
    practice = Practice.load()
    form = BookingRulesForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            practice_profile_save(
                practice=form.save(commit=False),
                changed=form.changed_data,
                what="booking rules",
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Booking rules saved.")
            return redirect("office:settings_booking_rules")
    context = {
        "form": form,
        "nav": "settings",
        "clinicians": _clinicians(request.user),
    }
    return render(request, "office/settings/booking_rules.html", context, status=_status(form))


# -- Clinicians ----------------------------------------------------------------------------------


@office_view(roles=OWNER_ONLY)
@require_http_methods(["GET", "HEAD"])
def clinicians(request: HttpRequest) -> HttpResponse:
    rows = Clinician.objects.defer("bio", "bio_html").prefetch_related("modalities")
    return render(
        request, "office/settings/clinicians.html", {"clinicians": rows, "nav": "settings"}
    )


def _clinician_form_page(
    request: HttpRequest, clinician: Clinician, *, is_new: bool
) -> HttpResponse:
    form = ClinicianForm(request.POST or None, request.FILES or None, instance=clinician)
    if request.method == "POST" and form.is_valid():
        try:
            saved = clinician_save(
                clinician=form.save(commit=False),
                modalities=form.cleaned_data["modalities"],
                changed=form.changed_data,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if is_new:
                messages.success(
                    request,
                    f"{saved.name} added. Next, give them appointment types and weekly hours.",
                )
            else:
                messages.success(request, f"{saved.name}'s profile saved.")
            return redirect("office:settings_clinician", saved.pk)
    context = {
        "form": form,
        "clinician": clinician,
        "is_new": is_new,
        "is_owner": request.staff_role == Role.OWNER,  # type: ignore[attr-defined]
        "nav": "settings",
    }
    return render(request, "office/settings/clinician_form.html", context, status=_status(form))


@office_view(roles=OWNER_ONLY)
@require_http_methods(GET_POST)
def clinician_new(request: HttpRequest) -> HttpResponse:
    return _clinician_form_page(request, Clinician(), is_new=True)


@office_view(roles=PROFILE_ROLES)
@require_http_methods(GET_POST)
def clinician_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _clinician_form_page(request, _clinician_for(request.user, pk), is_new=False)


# -- Appointment types ---------------------------------------------------------------------------


@office_view(roles=SCHEDULE_ROLES)
@require_http_methods(["GET", "HEAD"])
def appointment_types(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = _clinician_for(request.user, pk)
    context = {
        "clinician": clinician,
        "types": clinician.appointment_types.order_by("-active", "order", "pk"),
        "nav": "settings",
    }
    return render(request, "office/settings/appointment_types.html", context)


def _type_form_page(
    request: HttpRequest, appointment_type: AppointmentType, *, is_new: bool
) -> HttpResponse:
    form = AppointmentTypeForm(request.POST or None, instance=appointment_type)
    if request.method == "POST" and form.is_valid():
        try:
            saved = appointment_type_save(
                appointment_type=form.save(commit=False),
                changed=form.changed_data,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            verb = "added" if is_new else "saved"
            messages.success(request, f"{saved.name} {verb}.")
            return redirect("office:settings_types", saved.clinician_id)
    context = {
        "form": form,
        "clinician": appointment_type.clinician,
        "appointment_type": appointment_type,
        "is_new": is_new,
        "nav": "settings",
    }
    return render(
        request, "office/settings/appointment_type_form.html", context, status=_status(form)
    )


@office_view(roles=SCHEDULE_ROLES)
@require_http_methods(GET_POST)
def appointment_type_new(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = _clinician_for(request.user, pk)
    return _type_form_page(request, AppointmentType(clinician=clinician), is_new=True)


@office_view(roles=SCHEDULE_ROLES)
@require_http_methods(GET_POST)
def appointment_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _type_form_page(request, _type_for(request.user, pk), is_new=False)


@office_view(roles=SCHEDULE_ROLES)
@require_POST
def appointment_type_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a type off (``active=0``) or back on (``active=1``)."""
    appointment_type = _type_for(request.user, pk)
    if request.POST.get("active") == "1":
        appointment_type_reactivate(
            appointment_type=appointment_type, actor=request.user, request=request
        )
        messages.success(request, f"{appointment_type.name} can be booked again.")
    else:
        appointment_type_deactivate(
            appointment_type=appointment_type, actor=request.user, request=request
        )
        messages.success(
            request,
            f"{appointment_type.name} is switched off: nobody can book it now. "
            "Appointments already made keep it.",
        )
    return redirect("office:settings_types", appointment_type.clinician_id)


# -- Hours and time off --------------------------------------------------------------------------


def _hours_page(
    request: HttpRequest,
    clinician: Clinician,
    *,
    weekly_form: WeeklyHoursForm | None = None,
    extra_form: ExtraHoursForm | None = None,
) -> HttpResponse:
    today = _today(clinician)
    rules = clinician.availability.all()
    Kind = AvailabilityRule.Kind
    weekly = [r for r in rules if r.kind == Kind.WEEKLY]
    weekly.sort(key=lambda r: (r.weekday or 0, r.start_time or dt.time(0)))
    days = [
        {"label": label, "ranges": [r for r in weekly if r.weekday == value]}
        for value, label in AvailabilityRule.Weekday.choices
    ]
    extra = sorted(
        (r for r in rules if r.kind == Kind.EXTRA and r.first_day and r.first_day >= today),
        key=lambda r: (r.first_day, r.start_time),
    )
    off = time_off_between(clinician, today, dt.date.max)
    weekly_form = weekly_form or WeeklyHoursForm(prefix="weekly")
    extra_form = extra_form or ExtraHoursForm(prefix="extra")
    context = {
        "clinician": clinician,
        "zone_label": zone_label(clinician.tz()),
        "days": days,
        "extra": extra,
        "time_off": off,
        "weekly_form": weekly_form,
        "extra_form": extra_form,
        "nav": "settings",
    }
    status = max(_status(weekly_form), _status(extra_form))
    return render(request, "office/settings/hours.html", context, status=status)


@office_view(roles=SCHEDULE_ROLES)
@require_http_methods(["GET", "HEAD"])
def hours(request: HttpRequest, pk: int) -> HttpResponse:
    return _hours_page(request, _clinician_for(request.user, pk))


def _rule_add(request: HttpRequest, pk: int, kind: AvailabilityRule.Kind) -> HttpResponse:
    clinician = _clinician_for(request.user, pk)
    rule = AvailabilityRule(clinician=clinician, kind=kind)
    if kind == AvailabilityRule.Kind.WEEKLY:
        form: WeeklyHoursForm | ExtraHoursForm = WeeklyHoursForm(
            request.POST, prefix="weekly", instance=rule
        )
    else:
        form = ExtraHoursForm(request.POST, prefix="extra", instance=rule)
    if form.is_valid():
        try:
            saved = availability_rule_add(rule=form.save(commit=False), actor=request.user,
                                          request=request)  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added: {saved}.")
            return redirect("office:settings_hours", clinician.pk)
    if kind == AvailabilityRule.Kind.WEEKLY:
        return _hours_page(request, clinician, weekly_form=form)  # type: ignore[arg-type]
    return _hours_page(request, clinician, extra_form=form)  # type: ignore[arg-type]


@office_view(roles=SCHEDULE_ROLES)
@require_POST
def weekly_hours_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_add(request, pk, AvailabilityRule.Kind.WEEKLY)


@office_view(roles=SCHEDULE_ROLES)
@require_POST
def extra_hours_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_add(request, pk, AvailabilityRule.Kind.EXTRA)


@office_view(roles=SCHEDULE_ROLES)
@require_POST
def hours_remove(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_for(request.user, pk)
    clinician_pk, text = rule.clinician_id, str(rule)
    availability_rule_remove(rule=rule, actor=request.user, request=request)
    messages.success(request, f"Removed: {text}.")
    return redirect("office:settings_hours", clinician_pk)


def _carried(form: TimeOffForm, sessions: list[Any]) -> list[tuple[str, str]]:
    """Return what the confirm step sends back: the time off as typed, and the sessions shown."""
    data = form.cleaned_data
    values = {
        "first_day": data["first_day"].isoformat(),
        "last_day": data["last_day"].isoformat() if data.get("last_day") else "",
        "start_time": data["start_time"].strftime("%H:%M") if data.get("start_time") else "",
        "end_time": data["end_time"].strftime("%H:%M") if data.get("end_time") else "",
        "note": data.get("note") or "",
        "acknowledged": ",".join(str(a.pk) for a in sessions),
    }
    return list(values.items())


@office_view(roles=SCHEDULE_ROLES)
@require_http_methods(GET_POST)
def time_off_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add time off; over booked sessions, first list them and ask to confirm."""
    clinician = _clinician_for(request.user, pk)
    rule = AvailabilityRule(clinician=clinician, kind=AvailabilityRule.Kind.OFF)
    form = TimeOffForm(request.POST or None, instance=rule)
    editing = "edit" in request.POST
    if request.method == "POST" and not editing and form.is_valid():
        try:
            saved = time_off_add(
                rule=form.save(commit=False),
                acknowledged=form.cleaned_data["acknowledged"],
                actor=request.user,
                request=request,
            )
        except TimeOffCoversSessions as covering:
            context = {
                "clinician": clinician,
                "zone_label": zone_label(clinician.tz()),
                "display_tz": clinician.tz(),
                "rule": form.instance,
                "sessions": covering.sessions,
                "carried": _carried(form, covering.sessions),
                "changed": bool(form.cleaned_data["acknowledged"]),
                "nav": "settings",
            }
            return render(request, "office/settings/time_off_confirm.html", context)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            kept = len(form.cleaned_data["acknowledged"])
            if kept > 1:
                after = f" The {kept} sessions it covers are still booked: move or cancel them."
            elif kept == 1:
                after = " The session it covers is still booked: move or cancel it."
            else:
                after = ""
            messages.success(request, f"Time off added: {saved}.{after}")
            return redirect("office:settings_hours", clinician.pk)
    context = {
        "clinician": clinician,
        "zone_label": zone_label(clinician.tz()),
        "form": form,
        "nav": "settings",
    }
    status = 200 if editing else _status(form)
    return render(request, "office/settings/time_off_form.html", context, status=status)
