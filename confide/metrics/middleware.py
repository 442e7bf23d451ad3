"""Count every request by the name of the view that answered it and the status."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from confide.metrics.collector import REQUESTS

# Requests no URL pattern matched (a 404, or static files served before routing).
UNMATCHED = "(none)"


class RequestCountMiddleware:
    """Label by view name, never by path: paths hold tokens and record ids."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else UNMATCHED
        REQUESTS.labels(view=view, status=str(response.status_code)).inc()
        return response
