"""A calm page, not a server error, when a sealed record cannot be opened with the keys."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from confide.keys.ring import DataKeyMismatchError
from confide.lib.crypto import DecryptionError

logger = logging.getLogger(__name__)


class UnreadableRecordMiddleware:
    """Turn DecryptionError and DataKeyMismatchError into a 503 page naming only the key id.

    Every write that reads sealed text runs in a transaction, so by the time the error reaches
    here anything it started has been rolled back: the page can say nothing was changed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        key_id: str | None
        if isinstance(exception, DataKeyMismatchError):
            key_id, mismatch = exception.key_id, True
        elif isinstance(exception, DecryptionError):
            key_id, mismatch = exception.key_id, False
        else:
            return None
        # The key id only: never the value, its row or anything it says.
        logger.error(
            "sealed value not opened: %s (key id %s)",
            "configured key does not match its check" if mismatch else "does not open",
            key_id,
        )
        office = request.path_info.startswith(reverse("office:home"))
        template = "office/unreadable_record.html" if office else "unavailable.html"
        context = {"key_id": key_id, "key_mismatch": mismatch}
        # 503: the request was fine; the server cannot serve it with the keys it has.
        return render(request, template, context, status=503)
