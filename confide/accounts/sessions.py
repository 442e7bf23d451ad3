"""What a staff session remembers: when it began, when it was last used, and its security stamp.

The stamp is a keyed hash of the user's password hash and their authenticators. A session keeps
the stamp it was given at sign-in; when the password or a second factor changes, the stamp
changes, so every other session of that user (on any device) no longer matches and is ended on
its next request. The session that made the change is given the new stamp.
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from allauth.account.authentication import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from confide.accounts.allauth_internals import record_authentication

# Where allauth keeps what this session proved (password, second factor) and when.
AUTH_RECORDS_KEY = AUTHENTICATION_METHODS_SESSION_KEY
SIGNED_IN_AT = "confide.signed_in_at"
SEEN_AT = "confide.seen_at"
STAMP = "confide.stamp"
# Writing the session on every request costs a query; once a minute is precise enough.
SEEN_WRITE_INTERVAL = 60
# Authenticators that are a second factor on their own (recovery codes only back them up).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

AnyUser = AbstractBaseUser | AnonymousUser


def _authenticators(user: AbstractBaseUser) -> list[tuple[int, str, dict[str, Any]]]:
    return list(
        Authenticator.objects.filter(user_id=user.pk)
        .order_by("pk")
        .values_list("pk", "type", "data")
    )


def security_stamp(user: AbstractBaseUser) -> str:
    """Return a value that changes whenever the password or any authenticator changes."""
    parts = [str(user.pk), user.password]
    for pk, kind, data in _authenticators(user):
        # Recovery codes keep their row when regenerated; their seed changes.
        parts += [str(pk), kind, str(data.get("seed", ""))]
    return salted_hmac("confide.accounts.stamp", "|".join(parts), algorithm="sha256").hexdigest()


def has_second_factor(user: AnyUser) -> bool:
    """Return True when the user has an activated authenticator app or security key."""
    if not user.is_authenticated:
        return False
    return bool(
        Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()
    )


def second_factor_done(request: HttpRequest) -> bool:
    """Return True when this session's user proved a second factor in this session."""
    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def second_factor_satisfied(request: HttpRequest) -> bool:
    """Return True when the user has a second factor now and proved it in this session."""
    return second_factor_done(request) and has_second_factor(request.user)


def second_factor_record(request: HttpRequest, user: AbstractBaseUser, *, kind: str) -> None:
    """Note in the session that the user has just proved a second factor of this kind."""
    record_authentication(request, user, method="mfa", type=kind)


def password_recently_proven(request: HttpRequest, *, now: float | None = None) -> bool:
    """Return True when the password was typed (to sign in or to confirm) within the timeout."""
    user = request.user
    if not user.is_authenticated:
        return False
    moment = time.time() if now is None else now
    timeout = int(getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 300))
    return any(
        record.get("method") == "password" and moment - float(record.get("at", 0)) < timeout
        for record in get_authentication_records(request, user)
    )


def session_begin(
    request: HttpRequest, user: AbstractBaseUser, *, now: float | None = None
) -> None:
    """Start the clocks and stamp a session that has just been signed in."""
    moment = time.time() if now is None else now
    request.session[SIGNED_IN_AT] = moment
    request.session[SEEN_AT] = moment
    request.session[STAMP] = security_stamp(user)


def session_restamp(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Keep the session that changed the password or second factor; the others end."""
    if getattr(request, "session", None) is not None and request.user.is_authenticated:
        request.session[STAMP] = security_stamp(user)


def session_problem(request: HttpRequest, *, now: float | None = None) -> str | None:
    """Return why this signed-in session must end ("idle", "expired", "changed"), or None."""
    moment = time.time() if now is None else now
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    stamp = session.get(STAMP)
    if signed_in_at is None or seen_at is None or stamp is None:
        # Only a session made before these rules existed lacks them; treat it as stale.
        return "expired"
    if moment - float(signed_in_at) > settings.STAFF_SESSION_MAX_SECONDS:
        return "expired"
    if moment - float(seen_at) > settings.STAFF_SESSION_IDLE_SECONDS:
        return "idle"
    if not constant_time_compare(str(stamp), security_stamp(request.user)):  # type: ignore[arg-type]
        return "changed"
    # A short idle limit (a test's) needs the clock written more often than a minute apart.
    interval = min(SEEN_WRITE_INTERVAL, settings.STAFF_SESSION_IDLE_SECONDS / 4)
    if moment - float(seen_at) > interval:
        session[SEEN_AT] = moment
    return None


def session_touch(request: HttpRequest, *, now: float | None = None) -> None:
    """Count this moment as activity, to the second (a person asked to stay signed in)."""
    request.session[SEEN_AT] = time.time() if now is None else now


def sessions_end(*, user: AbstractBaseUser) -> int:
    """End every session signed in as this user, on any device; return how many ended.

    Only a database-backed session store can be searched; with another store the user's
    sessions end on their next request instead, because an inactive user is never loaded.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    ended = 0
    # Sessions are keyed by a random id, not by user; a practice has few enough to read each.
    for row in model.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(store().decode(row.session_data).get(SESSION_KEY)) == str(user.pk):
            model.objects.filter(pk=row.pk).delete()
            ended += 1
    return ended
