"""What every staff page needs to know about the session's limits (for the idle warning)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def session_limits(request: HttpRequest) -> dict[str, int]:
    return {"staff_idle_seconds": settings.STAFF_SESSION_IDLE_SECONDS}
