"""/healthz says the process answers; /readyz says it can serve (see docs/production.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from confide.health.checks import OK, readiness


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer without touching the database: a stuck database must not restart the app servers."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks = readiness(now=timezone.now())
    ready = all(result == OK for result in checks.values())
    response = JsonResponse(checks, status=200 if ready else 503)
    add_never_cache_headers(response)
    return response
