"""Forms kept sealed in the session across a password prompt, or across the end of a session.

allauth's own prompt keeps a suspended POST in the session as plain (compressed) JSON, which would
put a psychotherapy note's text in the session table. Here the form's fields are sealed with the
data keys, bound to the user, the page and a one-time nonce, kept for at most the staff idle
limit, and replayed once, only on the page they were sent to, after the password is typed.

A form that arrives just as an idle session ends (a note saved after fifteen quiet minutes) is
sealed the same way for the user who was signed in, before the sign-out, and kept in the new
session for an hour. After that same person signs in again it comes back into the form, never
saved or signed on its own: someone who was signed out confirms what they wrote.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict

from confide.keys.ring import keyring
from confide.lib.crypto import DecryptionError, open_sealed, seal

SUSPENDED_POST_KEY = "confide.suspended_post"
RESUME_PARAMETER = "resume"
SUSPENDED = "suspended-post"
# A form sent just as an idle session ended: kept for the same person's next sign-in.
SIGNED_OUT_POST_KEY = "confide.signed_out_post"
KEPT_PARAMETER = "kept"
SIGNED_OUT = "signed-out-post"
SIGNED_OUT_KEEP_SECONDS = 60 * 60
# A note is at most a few tens of kilobytes; anything far larger is not a form of ours.
MAX_BYTES = 512 * 1024


def _context(*, purpose: str, user_pk: object, path: str, nonce: str, at: float) -> str:
    return f"{purpose}:{user_pk}:{path}:{nonce}:{at!r}"


def _entry_seal(
    request: HttpRequest, *, purpose: str, now: float | None
) -> dict[str, object] | None:
    """Return this POST's fields sealed for its user and page, or None for files or a huge body."""
    if request.FILES:
        return None
    body = request.POST.copy()
    body.pop("csrfmiddlewaretoken", None)
    encoded = body.urlencode()
    if len(encoded) > MAX_BYTES:
        return None
    moment = time.time() if now is None else now
    nonce = secrets.token_urlsafe(16)
    context = _context(
        purpose=purpose, user_pk=request.user.pk, path=request.path, nonce=nonce, at=moment
    )
    return {
        "path": request.path,
        "nonce": nonce,
        "at": moment,
        "sealed": seal(encoded, context=context, keyring=keyring()),
    }


def _entry_open(
    request: HttpRequest, *, key: str, purpose: str, nonce: str, max_age: float, now: float | None
) -> QueryDict | None:
    """Take the entry kept under ``key`` for this page and user, once; None if it won't do."""
    kept = request.session.get(key)
    if not isinstance(kept, dict) or not nonce or kept.get("path") != request.path:
        # Another page's form stays kept for its own page.
        return None
    del request.session[key]
    moment = time.time() if now is None else now
    at = float(kept.get("at", 0))
    if not secrets.compare_digest(str(kept.get("nonce", "")), nonce):
        return None
    if moment - at > max_age:
        return None
    context = _context(
        purpose=purpose, user_pk=request.user.pk, path=request.path, nonce=nonce, at=at
    )
    try:
        encoded = open_sealed(str(kept.get("sealed", "")), context=context, keyring=keyring())
    except DecryptionError:
        return None
    return QueryDict(encoded)


def post_suspend(request: HttpRequest, *, now: float | None = None) -> str | None:
    """Seal this POST's fields into the session and return the nonce that resumes it.

    Returns None, keeping nothing, when the request carries files or is too large to keep.
    """
    entry = _entry_seal(request, purpose=SUSPENDED, now=now)
    if entry is None:
        return None
    request.session[SUSPENDED_POST_KEY] = entry
    return str(entry["nonce"])


def post_resume(request: HttpRequest, nonce: str, *, now: float | None = None) -> QueryDict | None:
    """Take back the POST suspended on this page with this nonce, or None.

    Once asked for on its own page, the sealed copy leaves the session whatever the outcome: it
    is replayed at most once. None when there is none, when it belongs to another page (it
    stays) or nonce, when it is older than the staff idle limit, or when it does not open
    (another user, or tampered with).
    """
    return _entry_open(
        request,
        key=SUSPENDED_POST_KEY,
        purpose=SUSPENDED,
        nonce=nonce,
        max_age=settings.STAFF_SESSION_IDLE_SECONDS,
        now=now,
    )


def post_keep_for_sign_in(
    request: HttpRequest, *, now: float | None = None
) -> dict[str, object] | None:
    """Seal a POST that arrived as its session ended, for the same person's next sign-in.

    Call it before signing the session out (it binds the entry to the user still signed in),
    then put the entry into the new session with ``post_kept_store``.
    """
    return _entry_seal(request, purpose=SIGNED_OUT, now=now)


def post_kept_store(request: HttpRequest, entry: dict[str, object]) -> str:
    """Keep a sealed entry in the (signed-out) session; return the nonce that restores it."""
    request.session[SIGNED_OUT_POST_KEY] = entry
    return str(entry["nonce"])


def post_kept_take(
    request: HttpRequest, nonce: str, *, now: float | None = None
) -> QueryDict | None:
    """Take back what was sent on this page when the session ended, once, for the same user.

    None when there is none, when it is another page's, older than ``SIGNED_OUT_KEEP_SECONDS``,
    or does not open: someone else signed in, or it was tampered with.
    """
    return _entry_open(
        request,
        key=SIGNED_OUT_POST_KEY,
        purpose=SIGNED_OUT,
        nonce=nonce,
        max_age=SIGNED_OUT_KEEP_SECONDS,
        now=now,
    )


def request_as_post(request: HttpRequest, data: QueryDict) -> HttpRequest:
    """Turn this GET into the POST it resumes, fields included, for the view to handle."""
    request.method = "POST"
    request.POST = data  # type: ignore[assignment]
    request._files = MultiValueDict()  # type: ignore[attr-defined]
    return request


def post_forget_stale(request: HttpRequest, *, now: float | None = None) -> None:
    """Drop a kept form nobody came back for within its time."""
    moment = time.time() if now is None else now
    for key, limit in (
        (SUSPENDED_POST_KEY, settings.STAFF_SESSION_IDLE_SECONDS),
        (SIGNED_OUT_POST_KEY, SIGNED_OUT_KEEP_SECONDS),
    ):
        kept = request.session.get(key)
        if kept is None:
            continue
        if not isinstance(kept, dict) or moment - float(kept.get("at", 0)) > limit:
            del request.session[key]


def keeps_text_across_sign_out[**P](
    view: Callable[P, HttpResponse],
) -> Callable[P, HttpResponse]:
    """Mark a view whose form is kept when the session ends as it arrives, and restore it.

    The middleware that ends an idle session seals such a POST for the person (see
    ``post_keep_for_sign_in``); after they sign in again, the GET of the same page carries the
    nonce and the view finds the fields in ``request.kept_post``, to show in its form unsaved.
    """

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        nonce = request.GET.get(KEPT_PARAMETER, "") if request.method == "GET" else ""
        if nonce:
            data = post_kept_take(request, nonce)
            request.kept_post = data  # type: ignore[attr-defined]
            if data is not None:
                messages.info(
                    request,
                    "This is what you wrote before you were signed out. It is not saved yet: "
                    "check it, then save or sign.",
                )
            else:
                messages.warning(
                    request,
                    "What you wrote before you were signed out could not be kept. "
                    "Please enter it again.",
                )
        return view(*args, **kwargs)

    wrapper.keeps_posted_text = True  # type: ignore[attr-defined]
    return wrapper


def kept_post(request: HttpRequest) -> QueryDict | None:
    """Return the fields restored after a sign-in on this GET, if any."""
    data: Any = getattr(request, "kept_post", None)
    return data if isinstance(data, QueryDict) else None


def keeps_posted_text(request: HttpRequest) -> bool:
    """Return True when the page this request is for keeps its form across a sign-out."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "keeps_posted_text", False))


def is_background_save(request: HttpRequest) -> bool:
    """Return True for a save a page's script makes on its own (a draft note as it is typed).

    Such a request is never turned into a password prompt or a page: it is answered in JSON.
    """
    return request.method == "POST" and request.POST.get("autosave") == "1"
