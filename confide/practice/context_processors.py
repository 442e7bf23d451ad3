"""Template context every page needs: the practice profile."""

from __future__ import annotations

from django.http import HttpRequest

from confide.practice.models import Practice


def practice(request: HttpRequest) -> dict[str, object]:
    """Put the practice profile in every template: the header, footer and help text need it.

    The canonical address leaves the query string out: a link shared with tracking parameters
    names the same page, and the page is the same for every query string.
    """
    return {
        "practice": Practice.load(),
        "canonical_url": request.build_absolute_uri(request.path),
    }
