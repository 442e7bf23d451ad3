"""Session limits for staff, and the office's second-factor rule and no-store headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from confide.accounts.access import is_staff_member, second_factor_setup_url
from confide.accounts.sessions import (
    has_second_factor,
    second_factor_done,
    second_factor_satisfied,
    session_problem,
)
from confide.accounts.suspended import (
    KEPT_PARAMETER,
    keeps_posted_text,
    post_forget_stale,
    post_keep_for_sign_in,
    post_kept_store,
)

# What a signed-in staff member without a second factor may still open.
BEFORE_SECOND_FACTOR = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "account_reauthenticate",
        "account_logout",
    }
)

ENDED = {
    "idle": "You were signed out after 15 minutes without activity. Please sign in again.",
    "expired": "Your session has ended. Please sign in again.",
    "changed": "You were signed out because your password or second factor changed. "
    "Please sign in again.",
}


# Sessions that ended by the clock; one ended by a password change keeps nothing.
KEEPS_POST = frozenset({"idle", "expired"})
KEPT_NOTICE = "What you were writing is kept: it comes back in the form after you sign in."


def office_prefix() -> str:
    return reverse("office:home")


def account_prefix() -> str:
    return reverse("account_login").removesuffix("login/")


class SessionLimitsMiddleware:
    """End a signed-in session when idle, too old, or when the password or second factor changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        post_forget_stale(request)
        if request.user.is_authenticated:
            problem = session_problem(request)
            if problem is not None:
                return self._signed_out(request, problem)
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest, problem: str) -> HttpResponse:
        # A note saved after the idle limit is sealed for this same person before the session
        # goes; a session ended by a password change keeps nothing.
        entry = None
        if problem in KEEPS_POST and request.method == "POST" and keeps_posted_text(request):
            entry = post_keep_for_sign_in(request)
        logout(request)
        path = request.path_info
        if not path.startswith(office_prefix()) or path.startswith(account_prefix()):
            return self.get_response(request)
        back = request.get_full_path()
        if entry is not None:
            query = request.GET.copy()
            query[KEPT_PARAMETER] = post_kept_store(request, entry)
            back = f"{request.path}?{query.urlencode()}"
            messages.info(request, ENDED[problem] + " " + KEPT_NOTICE)
        else:
            messages.info(request, ENDED[problem])
        return redirect_to_login(back, resolve_url(settings.LOGIN_URL))


class OfficeGuardMiddleware:
    """Under /office/: no staff page before the second factor, and nothing kept in caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(office_prefix()):
            return self.get_response(request)
        response = self._second_factor_missing(request) or self.get_response(request)
        # Shared computers and proxies must not keep any office page, sign-in pages included.
        add_never_cache_headers(response)
        return response

    def _second_factor_missing(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not is_staff_member(user):
            # Not staff: each view refuses them on its own terms.
            return None
        if second_factor_satisfied(request):
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in BEFORE_SECOND_FACTOR:
            return None
        if has_second_factor(user) and not second_factor_done(request):
            # allauth always asks for the second factor at sign-in, so this session was
            # signed in some other way: start again properly.
            logout(request)
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        messages.info(
            request,
            "The practice asks everyone who works in the office to use a second factor. "
            "Set up an authenticator app to continue.",
        )
        return redirect_to_login(request.get_full_path(), second_factor_setup_url())
