"""The address a request came from, trusting X-Forwarded-For only as far as configured."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping


def client_address(meta: Mapping[str, object], *, trusted_proxies: int) -> str:
    """Return the client's address from a WSGI environ (Django's ``request.META``).

    Each trusted proxy appends the address it heard from to X-Forwarded-For, so the entry
    ``trusted_proxies`` places from the end is the one the outermost trusted proxy saw; the
    entries before it came from the client and may be made up. A header shorter than that, or
    an entry that is not an address, means the request did not come through the proxies as
    configured: then the peer's own address (REMOTE_ADDR) is the only one known.
    """
    remote = str(meta.get("REMOTE_ADDR") or "")
    peer = _normalized(remote) or remote
    if trusted_proxies <= 0:
        return peer
    header = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(forwarded) < trusted_proxies:
        return peer
    return _normalized(forwarded[-trusted_proxies]) or peer


def _normalized(text: str) -> str | None:
    """Return the address in its canonical spelling, so one client is always one key."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
