"""A person's own record in the portal: who opened it, its download, and their requests.

Every view takes the signed-in person from ``request.portal_person`` and reaches only their
own events, requests and record. Mounted under /portal/record/ (confide/portal/urls.py).
"""

from __future__ import annotations

import json
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from confide.clients.models import Person
from confide.portal.access import portal_view
from confide.records import services
from confide.records.forms import RequestForm
from confide.records.models import RecordRequest
from confide.scheduling.selectors import zone_label

PER_PAGE = 25


def _person(request: HttpRequest) -> Person:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    return person


def _zone(person: Person) -> str:
    return person.time_zone or person.client.clinician.time_zone


@portal_view
@require_http_methods(["GET", "HEAD"])
def record(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    zone = zoneinfo.ZoneInfo(_zone(person))
    pages = Paginator(services.access_events(person), PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    context = {
        "nav": "record",
        "rows": services.access_rows(list(page.object_list)),
        "page": page,
        "zone": zone,
        "zone_label": zone_label(zone),
        "requests": RecordRequest.objects.filter(person=person),
        # Where to get help now, from the moment a request the screen flags is sent.
        "crisis": services.help_now(person),
    }
    return render(request, "records/record.html", context)


@portal_view
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    now = timezone.now()
    data = services.person_record_export(person=person, request=request, now=now)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="my-record-{now:%Y-%m-%d}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_request_create(
                person=person,
                kind=form.cleaned_data["kind"],
                what=form.cleaned_data["what"],
                why=form.cleaned_data["why"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Your request is sent. Your therapist will answer here within 60 days."
            )
            return redirect("portal:records:record")
    status = 400 if form.is_bound else 200
    return render(
        request, "records/request_new.html", {"nav": "record", "form": form}, status=status
    )
