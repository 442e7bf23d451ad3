"""The office's measures: a client's trends and answers, sending, sharing, flag follow-ups.

Measures and answers are clinical: the owner and the client's clinician only; a practice
manager is turned away, and another clinician finds nothing ("not found").
"""

from __future__ import annotations

import functools
import uuid
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import CLINICAL_ROLES, office_view
from confide.audit.services import audit_record
from confide.clients.access import client_for
from confide.clients.flags import follow_up_posted
from confide.measures import services
from confide.measures.forms import FollowUpForm, ScheduleForm, SendForm
from confide.measures.instruments import INSTRUMENTS, pcl5_clusters, pcl5_pattern_met
from confide.measures.models import Code, MeasureFlag, MeasureResponse, MeasureSchedule


def _audit_view(
    request: HttpRequest, *, target_type: str, uid: uuid.UUID, client_uid: uuid.UUID
) -> None:
    audit_record(
        request=request,
        actor=request.user,
        action="view",
        target_type=target_type,
        target_uid=uid,
        client_uid=client_uid,
        summary="read measures",
    )


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD"])
def client_measures(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    tz = zoneinfo.ZoneInfo(client.clinician.time_zone)
    people = list(client.people.all())
    trends = []
    for person in people:
        for code in Code.values:
            trend = services.trend_of(person, code, tz=tz, chart_id=f"trend-{person.pk}-{code}")
            if trend.rows:
                trends.append(trend)
    shared = set(client.measure_shares.values_list("code", flat=True))
    _audit_view(request, target_type="client_measures", uid=client.uid, client_uid=client.uid)
    context = {
        "client": client,
        "trends": trends,
        "flags": client.measure_flags.select_related("response__person").order_by("-raised_at"),
        "waiting": client.measure_requests.filter(answered_at__isnull=True).select_related(
            "person"
        ),
        "send_form": SendForm(client=client) if not client.anonymized_at else None,
        "schedule_form": ScheduleForm(client=client) if not client.anonymized_at else None,
        "schedules": list(client.measure_schedules.all()),
        "shares": [
            {"code": code, "label": label, "shared": code in shared}
            for code, label in Code.choices
            if client.kind == client.Kind.COUPLE or not INSTRUMENTS[code].couples_only
        ],
        "instruments": [INSTRUMENTS[c] for c in Code.values],
        "nav": "clients",
    }
    return render(request, "measures/office/client.html", context)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def measure_send_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = SendForm(request.POST, client=client)
    if not form.is_valid() or client.anonymized_at:
        messages.error(request, "Choose a measure and a person to send it to.")
        return redirect("office:client_measures", uid=client.uid)
    person = client.people.get(pk=form.cleaned_data["person"])
    try:
        ask = services.measure_send(
            client=client,
            person=person,
            code=form.cleaned_data["code"],
            actor=request.user,
            now=timezone.now(),
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        where = "a one-time link is on its way" if ask.expires_at else "it shows in their portal"
        messages.success(request, f"Sent the {ask.get_code_display()} to {person.name}: {where}.")
    return redirect("office:client_measures", uid=client.uid)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def measure_share_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    code = request.POST.get("code", "")
    if code in Code.values:
        shared = request.POST.get("shared") == "1"
        services.share_set(
            client=client, code=code, shared=shared, actor=request.user, now=timezone.now(),
            request=request,
        )  # fmt: skip
        label = Code(code).label
        messages.success(
            request,
            f"The {label} trend now shows in their portal."
            if shared
            else f"The {label} trend no longer shows in their portal.",
        )
    return redirect("office:client_measures", uid=client.uid)


def _response_for(request: HttpRequest, uid: uuid.UUID) -> MeasureResponse:
    response = get_object_or_404(
        MeasureResponse.objects.select_related("person", "client"), uid=uid
    )
    # Through the client, so that another clinician's answers are "not found".
    client_for(request.user, response.client.uid)
    return response


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD"])
def response_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    response = _response_for(request, uid)
    given = services.answers_of(response)
    rows = []
    for item in response.instrument.items:
        value = given.get(item.key)
        label = next((o.label for o in item.options if o.value == value), "")
        rows.append({"item": item, "value": value, "label": label})
    _audit_view(
        request, target_type="measure_response", uid=response.uid, client_uid=response.client.uid
    )
    flags = list(response.flags.all())
    clusters = None
    if response.code == "pcl5" and all(row["value"] is not None for row in rows):
        clusters = pcl5_clusters(given)
    context = {
        "clusters": clusters,
        "pattern_met": pcl5_pattern_met(clusters) if clusters else False,
        "response": response,
        "client": response.client,
        "rows": rows,
        "comment": response.comment,
        "comment_found": services.comment_flag_labels(response.comment),
        # What was decided when it came in: "Not flagged" only when no comment flag was raised.
        "comment_flagged": any(f.reason == MeasureFlag.Reason.COMMENT for f in flags),
        "flags": flags,
        "form": FollowUpForm(),
        "nav": "clients",
    }
    return render(request, "measures/office/response.html", context)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def flag_follow_up_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    flag = get_object_or_404(MeasureFlag.objects.select_related("response", "client"), uid=uid)
    client_for(request.user, flag.client.uid)
    form = FollowUpForm(request.POST)
    follow_up_posted(request, form, functools.partial(services.flag_follow_up, flag=flag))
    return redirect("office:measure_response", uid=flag.response.uid)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def measure_schedule_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = ScheduleForm(request.POST, client=client)
    if not form.is_valid() or client.anonymized_at:
        messages.error(request, "Choose a measure, sessions or weeks, and how many.")
        return redirect("office:client_measures", uid=client.uid)
    count = form.cleaned_data["count"]
    by_sessions = form.cleaned_data["every"] == "sessions"
    try:
        schedule = services.schedule_set(
            client=client,
            code=form.cleaned_data["code"],
            every_sessions=count if by_sessions else None,
            every_weeks=None if by_sessions else count,
            actor=request.user,
            now=timezone.now(),
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"The {schedule.get_code_display()} goes out now and then {schedule.rhythm()}.",
        )
    return redirect("office:client_measures", uid=client.uid)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def measure_schedule_stop_view(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    schedule = get_object_or_404(MeasureSchedule.objects.select_related("client"), uid=uid)
    client = client_for(request.user, schedule.client.uid)
    services.schedule_stop(schedule=schedule, actor=request.user, request=request)
    messages.success(request, f"The {schedule.get_code_display()} is no longer sent on a schedule.")
    return redirect("office:client_measures", uid=client.uid)
