"""Adding, removing and signing in with a passkey (JavaScript needed; a code always works)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.ratelimit import hit
from confide.portal.access import portal_session_begin, portal_view
from confide.portal.passkeys import (
    PasskeyError,
    passkey_register_begin,
    passkey_register_complete,
    passkey_remove,
    passkey_sign_in_begin,
    passkey_sign_in_complete,
)
from confide.portal.services import portal_sign_in_record
from confide.portal.views import GUESS_LIMIT, _next_url, _too_many


@portal_view
@require_http_methods(["GET", "HEAD", "POST"])
def passkeys(request: HttpRequest) -> HttpResponse:
    """The person's passkeys, and adding one on this device."""
    account = request.portal_person.portal_account  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            passkey_register_complete(
                request=request, account=account, credential=request.POST.get("credential", "")
            )
        except PasskeyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Your passkey is added. Next time, sign in with it.")
        return redirect("portal:passkeys")
    return render(
        request,
        "portal/passkeys.html",
        {
            "nav": "passkeys",
            "passkeys": list(account.passkeys.all()),
            "creation_options": passkey_register_begin(request=request, account=account),
        },
    )


@portal_view
@require_POST
def passkey_delete(request: HttpRequest) -> HttpResponse:
    account = request.portal_person.portal_account  # type: ignore[attr-defined]
    if passkey_remove(account=account, uid=request.POST.get("passkey", "")):
        messages.success(request, "The passkey is removed. Remove it from your device too.")
    return redirect("portal:passkeys")


@never_cache
@require_POST
def sign_in_passkey_options(request: HttpRequest) -> HttpResponse:
    """The challenge for signing in with a passkey, asked for by the sign-in page's script."""
    if not hit(GUESS_LIMIT, request):
        return JsonResponse({"error": "too many"}, status=429)
    return JsonResponse(passkey_sign_in_begin(request=request))


@never_cache
@require_POST
def sign_in_passkey(request: HttpRequest) -> HttpResponse:
    """Sign in with the passkey's answer to the challenge."""
    if not hit(GUESS_LIMIT, request):
        return _too_many(request)
    try:
        account = passkey_sign_in_complete(
            request=request, response=request.POST.get("credential", "")
        )
    except PasskeyError as error:
        messages.error(request, error.message)
        return redirect("portal:sign_in")
    portal_session_begin(request, account.person)
    portal_sign_in_record(account=account, request=request)
    return redirect(_next_url(request))
