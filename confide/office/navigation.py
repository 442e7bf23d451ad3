"""Where an office form goes back to after it is sent."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request: HttpRequest, default: str) -> str:
    """Return the office page named by the form's ``next`` field, or ``default``.

    Only a path inside the office on this host is followed, never another site.
    """
    target = request.POST.get("next", "")
    if target.startswith(reverse("office:home")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
