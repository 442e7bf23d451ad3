"""Template context every page needs: the practice profile."""

from __future__ import annotations

from django.http import HttpRequest

from confide.practice.models import Practice


def practice(request: HttpRequest) -> dict[str, object]:
    """Put the practice profile in every template: the header, footer and help text need it."""
    return {"practice": Practice.load()}
