"""Keep each staff session's clocks and security stamp as people sign in and change secrets."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from confide.accounts.sessions import (
    SECOND_FACTOR_TYPES,
    second_factor_record,
    session_begin,
    session_restamp,
)


@receiver(user_logged_in, dispatch_uid="confide_session_begin")
def _session_begin(sender: object, request: HttpRequest, user: AbstractBaseUser, **_: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        session_begin(request, user)


@receiver(password_changed, dispatch_uid="confide_password_changed")
@receiver(password_set, dispatch_uid="confide_password_set")
@receiver(password_reset, dispatch_uid="confide_password_reset")
def _password_changed(
    sender: object, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    session_restamp(request, user)


@receiver(authenticator_added, dispatch_uid="confide_authenticator_added")
def _authenticator_added(
    sender: object,
    request: HttpRequest,
    user: AbstractBaseUser,
    authenticator: Authenticator,
    **_: Any,
) -> None:
    if authenticator.type in SECOND_FACTOR_TYPES and request.user.is_authenticated:
        # Activating one means typing a code from it (or touching the key): a second factor.
        second_factor_record(request, user, kind=str(authenticator.type))
    session_restamp(request, user)


@receiver(authenticator_removed, dispatch_uid="confide_authenticator_removed")
@receiver(authenticator_reset, dispatch_uid="confide_authenticator_reset")
def _authenticator_changed(
    sender: object, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    session_restamp(request, user)


def groups_sync_after_migrate(sender: object, **kwargs: Any) -> None:
    """Keep the permission groups in step with the models after every migrate."""
    # Every app's permissions exist by the time this app's turn comes (it is listed after them).
    if getattr(sender, "name", None) != "confide.accounts":
        return
    from confide.accounts.services import staff_groups_sync

    staff_groups_sync()
