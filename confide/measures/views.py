"""What a person sees of measures: questionnaires to fill in, their answers' trend when shared.

Portal pages (mounted at /portal/questionnaires/) fetch only through the signed-in person.
The one-time link page needs no sign-in: its random token is the only key, and it works once.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from confide.clients.models import Person
from confide.measures import services
from confide.measures.forms import AnswersForm
from confide.measures.models import MeasureRequest, MeasureResponse, TrendShare


def _portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # Imported late, as intake does, so the app loads without the portal.
    from confide.portal.access import portal_view

    return portal_view(view)


def _zone(person: Person) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(person.time_zone or person.client.clinician.time_zone)


@_portal_view
@require_http_methods(["GET", "HEAD"])
def questionnaires(request: HttpRequest) -> HttpResponse:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    waiting = list(services.open_requests(person))
    shared = TrendShare.objects.filter(client=person.client).values_list("code", flat=True)
    trends = [
        services.trend_of(person, code, tz=_zone(person), chart_id=f"trend-{code}")
        for code in sorted(set(shared))
    ]
    context = {"waiting": waiting, "trends": [t for t in trends if t.rows], "nav": "measures"}
    return render(request, "measures/portal/list.html", context)


def _answer(
    request: HttpRequest, ask: MeasureRequest, *, done: Callable[[MeasureResponse], HttpResponse]
) -> HttpResponse:
    form = AnswersForm(request.POST or None, instrument=ask.instrument)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_save(
                ask=ask,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                now=timezone.now(),
                request=request,
            )
        except ValidationError:
            return render(request, "measures/portal/already.html", status=410)
        return done(response)
    status = 400 if form.is_bound else 200
    context = {"form": form, "ask": ask, "measure": ask.instrument, "nav": "measures"}
    return render(request, "measures/portal/answer.html", context, status=status)


@_portal_view
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    ask = get_object_or_404(services.open_requests(person), uid=uid)
    return _answer(request, ask, done=lambda r: redirect("portal:measures:done", uid=r.uid))


@_portal_view
@require_http_methods(["GET", "HEAD"])
def done(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    response = get_object_or_404(MeasureResponse.objects.filter(person=person), uid=uid)
    return render(request, "measures/portal/done.html", _done_context(response))


def _done_context(response: MeasureResponse) -> dict[str, Any]:
    return {"response": response, "crisis": response.flags.exists(), "nav": "measures"}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a measure from a one-time link, without signing in; it works once."""
    ask = services.request_for_link(token, now=timezone.now())
    if ask is None:
        if request.method == "POST":
            return render(request, "measures/portal/already.html", status=410)
        raise Http404("No such link")

    def finished(response: MeasureResponse) -> HttpResponse:
        # Shown at once, not after a redirect: the link no longer opens anything.
        return render(request, "measures/portal/done.html", _done_context(response))

    result = _answer(request, ask, done=finished)
    result["Referrer-Policy"] = "no-referrer"
    return result
