"""The portal's pages: signing in with a code or link, the person's appointments, signing out."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from confide.accounts.ratelimit import Limit, hit
from confide.clients.models import Person
from confide.portal.access import (
    PENDING,
    portal_session_begin,
    portal_session_end,
    portal_view,
    signed_in_person,
)
from confide.portal.forms import AddressForm, CodeForm
from confide.portal.services import (
    CodeCheck,
    portal_sign_in_record,
    sign_in_code_check,
    sign_in_codes_request,
    sign_in_link_check,
)
from confide.scheduling.models import Appointment, JoinState
from confide.scheduling.selectors import client_appointments, zone_label, zone_or_default

SENT = "If that address is one we know, a code is on its way. It can take a minute to arrive."
PROBLEMS = {
    "wrong": "That code isn't right. Check it and try again.",
    "used": "That code has already been used. Ask for a new one below.",
    "expired": "That code has expired: codes work for 15 minutes. Ask for a new one below.",
    "locked": "That code was tried too many times, so it no longer works. Ask for a new one below.",
}
LINK_PROBLEMS = {
    "wrong": "That sign-in link doesn't work. Ask for a new code below.",
    "used": "That sign-in link has already been used. Ask for a new code below.",
    "expired": "That sign-in link has expired: links work for 15 minutes. Ask for a new code "
    "below.",
    "locked": "That code was tried too many times, so its link no longer works. Ask for a new "
    "code below.",
}
ELSEWHERE = (
    "A code works only in the browser where it was asked for. Ask for a new one here, "
    "or use the link in the message."
)
# Per connection: how often a code may be asked for, and how many codes may be typed.
REQUEST_LIMIT = Limit(scope="portal-sign-in", count=10, seconds=600)
GUESS_LIMIT = Limit(scope="portal-code", count=20, seconds=900)
PAST_SHOWN = 20
# As on the manage page: a room not set yet still gets the link, whose page says so.
JOIN_SHOWN = frozenset({JoinState.OPEN, JoinState.NO_ROOM})


def _next_url(request: HttpRequest) -> str:
    """Return where to go after signing in: a portal address the person asked for, or home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/portal/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("portal:home")


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/too_many.html", status=429)


def _signed_in(request: HttpRequest, check: CodeCheck) -> HttpResponse:
    assert check.account is not None
    portal_session_begin(request, check.account.person)
    portal_sign_in_record(account=check.account, request=request)
    return HttpResponseRedirect(_next_url(request))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for a code: the answer is the same whether or not the address is known."""
    if signed_in_person(request) is not None and request.method != "POST":
        return redirect("portal:home")
    form = AddressForm(request.POST or None)
    if request.method == "POST":
        if not hit(REQUEST_LIMIT, request):
            return _too_many(request)
        if form.is_valid():
            handles = sign_in_codes_request(
                address=form.cleaned_data["address"], now=timezone.now()
            )
            # Every request starts a new count of wrong codes, known address or not.
            request.session[PENDING] = {"handles": handles, "wrong": 0}
            messages.info(request, SENT)
            url = reverse("portal:sign_in_code")
            wanted = _next_url(request)
            if wanted != reverse("portal:home"):
                url += "?" + urlencode({"next": wanted})
            return HttpResponseRedirect(url)
    return render(
        request,
        "portal/sign_in.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Type or paste the code that was sent."""
    pending = request.session.get(PENDING)
    if pending is None:
        if request.method == "POST":
            # A code typed where it was not asked for (another browser, or after signing out).
            messages.info(request, ELSEWHERE)
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    problem = None
    status = 200
    if request.method == "POST":
        if not hit(GUESS_LIMIT, request):
            return _too_many(request)
        if form.is_valid():
            check = sign_in_code_check(
                handles=list(pending.get("handles", [])),
                wrong_typed=int(pending.get("wrong", 0)),
                typed=form.cleaned_data["code"],
                now=timezone.now(),
            )
            if check.account is not None:
                return _signed_in(request, check)
            request.session[PENDING] = {**pending, "wrong": check.wrong_typed}
            problem = PROBLEMS.get(check.problem or "wrong", PROBLEMS["wrong"])
            if check.tries_left is not None:
                problem += f" {check.tries_left} tr{'ies' if check.tries_left != 1 else 'y'} left."
        status = 400
    return render(
        request,
        "portal/sign_in_code.html",
        {"form": form, "problem": problem, "next": _next_url(request)},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the message: a button to press, so that a mail scanner cannot use it."""
    problem = None
    if request.method == "POST":
        if not hit(GUESS_LIMIT, request):
            return _too_many(request)
        check = sign_in_link_check(token=token, now=timezone.now())
        if check.account is not None:
            return _signed_in(request, check)
        problem = LINK_PROBLEMS.get(check.problem or "wrong", LINK_PROBLEMS["wrong"])
    response = render(
        request,
        "portal/sign_in_link.html",
        {"problem": problem, "form": AddressForm()},
        status=400 if problem else 200,
    )
    # The address holds the link's secret; no other site may read it from a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    portal_session_end(request)
    messages.info(request, "You're signed out.")
    return redirect("portal:sign_in")


@dataclass(frozen=True)
class Shown:
    """One appointment as the portal shows it, with its own links."""

    appointment: Appointment
    token: str
    join_open: bool


def _zone(person: Person) -> ZoneInfo:
    return zone_or_default(person.time_zone, person.client.clinician.time_zone)


@portal_view
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The person's appointments, those to come and those past, in their own zone.

    A couple's appointments belong to the couple, so each partner sees the joint ones.
    """
    person: Person = request.portal_person  # type: ignore[attr-defined]
    now = timezone.now()
    appointments = client_appointments(person.client).select_related("clinician")
    upcoming = [
        Shown(a, a.manage_token(), a.join_state(now=now) in JOIN_SHOWN)
        for a in appointments.filter(end__gte=now, status__in=Appointment.ACTIVE_STATUSES)
    ]
    past = [
        Shown(a, a.manage_token(), False)
        for a in appointments.filter(end__lt=now)
        .exclude(status=Appointment.Status.RESCHEDULED)
        .order_by("-start")[:PAST_SHOWN]
    ]
    zone = _zone(person)
    return render(
        request,
        "portal/home.html",
        {
            "nav": "appointments",
            "person": person,
            "upcoming": upcoming,
            "past": past,
            "zone": zone,
            "zone_label": zone_label(zone),
        },
    )
