"""Staying signed in: the idle warning's button, with or without the page's script."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from confide.accounts.access import office_view
from confide.accounts.sessions import session_touch
from confide.office.navigation import back_to


@office_view()
@require_POST
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """Restart the idle clock now; the script asks for JSON, a plain form goes back."""
    session_touch(request)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"idle_seconds": settings.STAFF_SESSION_IDLE_SECONDS})
    return redirect(back_to(request, reverse("office:home")))
