"""Helpers for tests that need staff signed in: roles, authenticators, a finished sign-in."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.test import Client

from confide.accounts.allauth_internals import (
    TOTP,
    RecoveryCodes,
    format_hotp_value,
    hotp_value,
    record_authentication,
)
from confide.accounts.models import StaffProfile
from confide.accounts.services import staff_role_assign
from confide.accounts.sessions import (
    AUTH_RECORDS_KEY,
    STAMP,
    second_factor_record,
    security_stamp,
)
from confide.practice.models import Clinician

# A fixed secret for test users' authenticator apps (base32, as apps take it).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


def staff_user_create(
    username: str,
    *,
    role: StaffProfile.Role | str,
    clinician: Clinician | None = None,
    password: str = "staff-password-123",  # noqa: S107
    second_factor: bool = True,
) -> User:
    """Make a staff user with a role and, unless told not to, an activated authenticator app."""
    user = User.objects.create_user(username, f"{username}@example.org", password)
    staff_role_assign(user=user, role=StaffProfile.Role(role), clinician=clinician)
    if second_factor:
        authenticator_activate(user)
    return user


def authenticator_activate(user: User, *, secret: str = TEST_TOTP_SECRET) -> Authenticator:
    """Give the user an authenticator app (and recovery codes), as if they had set it up."""
    totp = TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return totp.instance


def totp_code(user: User, *, offset: int = 0, now: float | None = None) -> str:
    """Return the code the user's authenticator app shows now (``offset`` periods away)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    period = int(getattr(settings, "MFA_TOTP_PERIOD", 30))
    moment = time.time() if now is None else now
    secret = decrypt(authenticator.data["secret"])
    return str(format_hotp_value(hotp_value(secret, int(moment // period) + offset)))


def sign_in(
    client: Client, user: User, *, second_factor: bool = True, fresh_password: bool = False
) -> Client:
    """Sign the test client in as ``user``, with the second factor done unless told otherwise.

    ``client.force_login(user)`` alone already counts the second factor as done for a user who
    has an authenticator (see the root conftest.py); this helper says so explicitly, can leave
    it undone (what may such a session reach?), and with ``fresh_password`` passes the
    "type your password again" prompt of ``reauthentication_required`` pages for 5 minutes.
    """
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    records = request.session.get(AUTH_RECORDS_KEY, [])
    if not second_factor:
        request.session[AUTH_RECORDS_KEY] = [r for r in records if r.get("method") != "mfa"]
    elif not any(r.get("method") == "mfa" for r in records):
        second_factor_record(request, user, kind="totp")
    if fresh_password:
        record_authentication(request, user, method="password", reauthenticated=True)
    request.session[STAMP] = security_stamp(user)
    request.session.save()
    return client
