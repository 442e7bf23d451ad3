"""django-allauth, set up for a practice's staff: no sign-up, lockout by username and address."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.http import HttpRequest

from confide.accounts.ratelimit import client_address
from confide.accounts.sessions import password_recently_proven


class StaffAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Staff accounts are made by the owner in the office, never by sign-up."""
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failures per username alone, which would let anyone lock the therapist
        # out by guessing from elsewhere; count per username and address, as django-axes does.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}@{client_address(request)}"

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # A password typed to sign in a minute ago is as fresh as one typed to confirm.
        request = getattr(context, "request", None)
        if request is not None and password_recently_proven(request):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))
