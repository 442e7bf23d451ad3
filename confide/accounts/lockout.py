"""How django-axes names the person trying to sign in, and what it shows when it pauses them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Return the username being tried, folded so that "Therapist" counts as "therapist"."""
    value = (credentials or {}).get("username") or request.POST.get("login") or ""
    return str(value).strip().casefold()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object = None
) -> HttpResponse:
    """Explain the pause plainly: how long, and that other places are not affected."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "account/lockout.html", {"minutes": minutes}, status=429)
