"""A form sent while the password needs confirming, kept sealed in the session until it is.

allauth's own prompt keeps a suspended POST in the session as plain (compressed) JSON, which would
put a psychotherapy note's text in the session table. Here the form's fields are sealed with the
data keys, bound to the user, the page and a one-time nonce, kept for at most the staff idle
limit, and replayed once, only on the page they were sent to, after the password is typed.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from confide.keys.ring import keyring
from confide.lib.crypto import DecryptionError, open_sealed, seal

SUSPENDED_POST_KEY = "confide.suspended_post"
RESUME_PARAMETER = "resume"
# A note is at most a few tens of kilobytes; anything far larger is not a form of ours.
MAX_BYTES = 512 * 1024


def _context(*, user_pk: object, path: str, nonce: str, at: float) -> str:
    return f"suspended-post:{user_pk}:{path}:{nonce}:{at!r}"


def post_suspend(request: HttpRequest, *, now: float | None = None) -> str | None:
    """Seal this POST's fields into the session and return the nonce that resumes it.

    Returns None, keeping nothing, when the request carries files or is too large to keep.
    """
    if request.FILES:
        return None
    body = request.POST.copy()
    body.pop("csrfmiddlewaretoken", None)
    encoded = body.urlencode()
    if len(encoded) > MAX_BYTES:
        return None
    moment = time.time() if now is None else now
    nonce = secrets.token_urlsafe(16)
    context = _context(user_pk=request.user.pk, path=request.path, nonce=nonce, at=moment)
    request.session[SUSPENDED_POST_KEY] = {
        "path": request.path,
        "nonce": nonce,
        "at": moment,
        "sealed": seal(encoded, context=context, keyring=keyring()),
    }
    return nonce


def post_resume(request: HttpRequest, nonce: str, *, now: float | None = None) -> QueryDict | None:
    """Take back the POST suspended on this page with this nonce, or None.

    Once asked for on its own page, the sealed copy leaves the session whatever the outcome: it
    is replayed at most once. None when there is none, when it belongs to another page (it
    stays) or nonce, when it is older than the staff idle limit, or when it does not open
    (another user, or tampered with).
    """
    kept = request.session.get(SUSPENDED_POST_KEY)
    if not isinstance(kept, dict) or not nonce or kept.get("path") != request.path:
        # Another page's form stays kept for its own page.
        return None
    del request.session[SUSPENDED_POST_KEY]
    moment = time.time() if now is None else now
    at = float(kept.get("at", 0))
    if not secrets.compare_digest(str(kept.get("nonce", "")), nonce):
        return None
    if moment - at > settings.STAFF_SESSION_IDLE_SECONDS:
        return None
    context = _context(user_pk=request.user.pk, path=request.path, nonce=nonce, at=at)
    try:
        encoded = open_sealed(str(kept.get("sealed", "")), context=context, keyring=keyring())
    except DecryptionError:
        return None
    return QueryDict(encoded)


def request_as_post(request: HttpRequest, data: QueryDict) -> HttpRequest:
    """Turn this GET into the POST it resumes, fields included, for the view to handle."""
    request.method = "POST"
    request.POST = data  # type: ignore[assignment]
    request._files = MultiValueDict()  # type: ignore[attr-defined]
    return request


def post_forget_stale(request: HttpRequest, *, now: float | None = None) -> None:
    """Drop a kept form nobody came back for within the staff idle limit."""
    kept = request.session.get(SUSPENDED_POST_KEY)
    if kept is None:
        return
    moment = time.time() if now is None else now
    if not isinstance(kept, dict) or moment - float(kept.get("at", 0)) > (
        settings.STAFF_SESSION_IDLE_SECONDS
    ):
        del request.session[SUSPENDED_POST_KEY]
