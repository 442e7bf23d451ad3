"""The address a request came from, the one the limiters, the lockout and the audit log use."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from confide.lib import addresses


def client_address(request: HttpRequest) -> str:
    """Return the client's address, trusting as many proxies as TRUSTED_PROXY_COUNT says."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    return addresses.client_address(request.META, trusted_proxies=proxies)
