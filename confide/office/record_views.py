"""A person's requests to correct or delete their record: read and answered by their clinician.

A practice manager sees that a request is waiting (Today, the client page) but never what it
says, so these pages are for clinical roles only; another clinician's client's request is 404.
"""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from confide.accounts.access import CLINICAL_ROLES, office_view
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.flags import follow_up_posted
from confide.intake.forms import FlagFollowUpForm
from confide.records import services
from confide.records.forms import AnswerForm
from confide.records.models import RecordRequest, RequestFlag


def _request_for(request: HttpRequest, uid: uuid.UUID) -> RecordRequest:
    """Return the request if its client is in the user's scope, or raise Http404."""
    rows = services.requests_visible_to(request.user).select_related("person", "client")
    return get_object_or_404(rows, uid=uid)


@office_view(roles=CLINICAL_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def record_request(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    row = _request_for(request, uid)
    now = timezone.now()
    retention = services.retention_of(row.client)
    # A deletion inside the retention period can only be declined (decision 24).
    refuse = row.kind == RecordRequest.Kind.DELETION and retention.holds(now)
    if request.method == "POST" and "flag" in request.POST:
        return _follow_up(request, row)
    form = AnswerForm(request.POST or None, kept_until=retention.until if refuse else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_request_answer(
                row=row,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your answer is recorded and {row.person.name} is told.")
            return redirect(row.client.get_absolute_url() + "#record-requests")
    if request.method != "POST":
        audit_record(
            request=request,
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            target_type="recordrequest",
            target_uid=row.uid,
            client_uid=row.client.uid,
            summary="read a request about the record",
        )
    # Every flag stays here, followed up or not: a follow-up only takes it off Today.
    flags = list(row.flags.select_related("followed_up_by"))
    for flag in flags:
        flag.form = FlagFollowUpForm(prefix=_flag_prefix(flag))  # type: ignore[attr-defined]
    context = {
        "flags": flags,
        "row": row,
        "client": row.client,
        "form": form,
        "retention": retention,
        "retention_holds": retention.holds(now),
        "nav": "clients",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "records/office_request.html", context, status=status)


def _flag_prefix(flag: RequestFlag) -> str:
    # One form per flag on the page, so each has its own field ids.
    return f"flag{flag.pk}"


def _follow_up(request: HttpRequest, row: RecordRequest) -> HttpResponse:
    """Record what the therapist did about a flag on the request (intake's follow-up form)."""
    try:
        flag_uid = uuid.UUID(request.POST.get("flag", ""))
    except ValueError as error:
        raise Http404("No such flag.") from error
    flag = get_object_or_404(row.flags.all(), uid=flag_uid)
    form = FlagFollowUpForm(request.POST, prefix=_flag_prefix(flag))
    follow_up_posted(request, form, functools.partial(services.request_flag_follow_up, flag=flag))
    return redirect(reverse("office:record_request", args=[row.uid]) + "#flags")
