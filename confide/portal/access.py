"""Who may open a portal page: one signed-in person, in a short session of their own.

The contract for every view under /portal/ (the sign-in pages excepted):

1. Decorate it with ``portal_view``::

       from confide.portal.access import portal_view

       @portal_view
       def forms(request): ...            # request.portal_person is the signed-in Person

   Someone not signed in goes to the sign-in page (``?next=`` keeps the address); a session
   idle longer than PORTAL_SESSION_IDLE_SECONDS, or older than STAFF_SESSION_MAX_SECONDS, or
   whose account was closed, ends with a calm message. The portal never signs anyone in as
   a Django user: the session holds only the person's id and the times below, apart from
   any staff sign-in in the same browser.

2. Show only what belongs to ``request.portal_person`` (or, for what a couple shares, to their
   client): fetch through the person, never by an id from the URL alone, and answer 404 for
   anything else.

3. Extend the page with ``templates/portal/base.html`` (blocks ``title``, ``content``) and add
   a navigation item with ``nav_item_add`` from the app's ``AppConfig.ready``::

       nav_item_add(NavItem(key="forms", label="Forms", url_name="portal:forms", order=20))

   (``shown=`` takes a function of the signed-in person, for an item that some people have no
   use for yet), and pass ``nav="forms"`` in the page's context to mark it current.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from confide.clients.models import Person

PERSON = "confide.portal.person"
SIGNED_IN_AT = "confide.portal.signed_in_at"
SEEN_AT = "confide.portal.seen_at"
# The handles of the codes this browser asked for, and how many wrong codes it typed.
PENDING = "confide.portal.pending"
PORTAL_KEYS = (PERSON, SIGNED_IN_AT, SEEN_AT, PENDING)
SEEN_WRITE_INTERVAL = 60

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int = 50
    # Asked on each page for the signed-in person: an item for something the practice does not
    # use, or that holds nothing for this person yet (no questionnaire sent, no plan shown),
    # stays hidden, so that a new client's page offers only what is there for them.
    shown: Callable[[Person], bool] | None = None


_NAV: dict[str, NavItem] = {}


def nav_item_add(item: NavItem) -> None:
    """Add (or replace) an item of the portal's navigation; items show by ``order``."""
    _NAV[item.key] = item


def nav_items(person: Person) -> list[NavItem]:
    """Return the items to show the person now, by ``order``."""
    items = [item for item in _NAV.values() if item.shown is None or item.shown(person)]
    return sorted(items, key=lambda item: (item.order, item.label))


def idle_seconds() -> int:
    return int(
        getattr(settings, "PORTAL_SESSION_IDLE_SECONDS", settings.STAFF_SESSION_IDLE_SECONDS)
    )


def portal_session_begin(request: HttpRequest, person: Person, *, now: float | None = None) -> None:
    """Sign the person in: a new session key, their id, and the clocks."""
    moment = time.time() if now is None else now
    request.session.pop(PENDING, None)
    # A new key, so that a session id known before signing in is worth nothing after.
    request.session.cycle_key()
    request.session[PERSON] = person.pk
    request.session[SIGNED_IN_AT] = moment
    request.session[SEEN_AT] = moment


def portal_session_end(request: HttpRequest) -> None:
    """Forget the portal sign-in; a staff sign-in in the same browser is left alone."""
    for key in PORTAL_KEYS:
        request.session.pop(key, None)
    request.session.cycle_key()


def portal_session_problem(request: HttpRequest, *, now: float | None = None) -> str | None:
    """Return why the portal sign-in must end ("idle", "expired", "closed"), or None."""
    moment = time.time() if now is None else now
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        return "expired"
    if moment - float(signed_in_at) > settings.STAFF_SESSION_MAX_SECONDS:
        return "expired"
    if moment - float(seen_at) > idle_seconds():
        return "idle"
    interval = min(SEEN_WRITE_INTERVAL, idle_seconds() / 4)
    if moment - float(seen_at) > interval:
        session[SEEN_AT] = moment
    return None


def signed_in_person(request: HttpRequest) -> Person | None:
    """Return the person this session is signed in as, if their account is still open."""
    person_id = request.session.get(PERSON)
    if person_id is None:
        return None
    return (
        Person.objects.select_related("client", "portal_account")
        .filter(
            pk=person_id,
            portal_account__active=True,
            client__anonymized_at__isnull=True,
        )
        .first()
    )


def ended_message(problem: str) -> str:
    minutes = max(1, idle_seconds() // 60)
    return {
        "idle": f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} "
        "without activity. Please sign in again.",
        "closed": "Please sign in again.",
    }.get(problem, "Your session has ended. Please sign in again.")


def sign_in_redirect(request: HttpRequest) -> HttpResponse:
    url = reverse("portal:sign_in")
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


def portal_view(view: View) -> View:
    """Let only a signed-in portal person open the view; set ``request.portal_person``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if PERSON not in request.session:
            return sign_in_redirect(request)
        problem = portal_session_problem(request)
        person = signed_in_person(request) if problem is None else None
        if person is None:
            portal_session_end(request)
            messages.info(request, ended_message(problem or "closed"))
            return sign_in_redirect(request)
        request.portal_person = person  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        # A shared computer's back button must not show a signed-out person's page.
        add_never_cache_headers(response)
        return response

    wrapper.portal_view = True  # type: ignore[attr-defined]
    return wrapper
