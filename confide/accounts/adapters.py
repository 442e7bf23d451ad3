"""django-allauth, set up for a practice's staff: no sign-up, lockout by username and address."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from confide.accounts.sessions import password_recently_proven
from confide.keys.ring import keyring
from confide.lib.crypto import open_sealed, seal
from confide.lib.request_address import client_address

# allauth's encrypt() and decrypt() hooks are given the text alone, never the authenticator, so
# the sealed value cannot name its row: one fixed context for every second-factor secret. A value
# copied into another person's row still opens; see docs/decisions/0009-staff-administration.md.
MFA_SECRET_CONTEXT = "allauth.mfa.secret"  # noqa: S105 (a label, not a secret)


class StaffAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Staff accounts are made by the owner in the office, never by sign-up."""
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failures per username alone, which would let anyone lock the therapist
        # out by guessing from elsewhere; count per username and address, as django-axes does.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}@{client_address(request)}"

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own reading ignores TRUSTED_PROXY_COUNT: behind a proxy every sign-in would
        # count against the proxy's address, and ten wrong ones anywhere would lock out everyone.
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # A password typed to sign in a minute ago is as fresh as one typed to confirm.
        request = getattr(context, "request", None)
        if request is not None and password_recently_proven(request):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def mfa_secret_seal(text: str) -> str:
    """Seal an authenticator app's secret or a recovery-code seed with the data keys."""
    return seal(text, context=MFA_SECRET_CONTEXT, keyring=keyring())


def mfa_secret_open(sealed: str) -> str:
    """Open a value sealed by ``mfa_secret_seal``; raise DecryptionError if it does not open."""
    return open_sealed(sealed, context=MFA_SECRET_CONTEXT, keyring=keyring())


class StaffMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def encrypt(self, text: str) -> str:
        """Second-factor secrets are stored sealed, so a copy of the database cannot mint codes."""
        return mfa_secret_seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        # A value that does not open (tampered, or stored in clear) raises: no code is accepted.
        return mfa_secret_open(encrypted_text)
