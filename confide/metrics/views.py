"""/metrics: Prometheus's text format, for a scraper that sends the token."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from confide.metrics.collector import REGISTRY


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Answer 404 unless the request carries ``Authorization: Bearer <METRICS_TOKEN>``.

    With no token set the address does not exist, so nothing is ever shown by accident.
    """
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not constant_time_compare(given, f"Bearer {token}"):
        return HttpResponseNotFound("Not found\n", content_type="text/plain; charset=utf-8")
    response = HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response
