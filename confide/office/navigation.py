"""Where an office form goes back to after it is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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


# Never a real primary key: it marks where the key goes in a reversed address.
_SENTINEL = 987654321


def url_for_each(name: str) -> Callable[[int], str]:
    """Return a function giving the address of URL ``name`` for a primary key.

    A list of hundreds of rows (a practice's week) links each one; reversing the name once and
    putting each key in its place costs a string join per row instead of a reverse().
    """
    prefix, suffix = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda pk: f"{prefix}{pk}{suffix}"


def day_links_add(days: Iterable[Any]) -> None:
    """Give each appointment of the days' lists its office address (``office_url``)."""
    address = url_for_each("office:appointment")
    for day in days:
        for appointment in day.appointments:
            appointment.office_url = address(appointment.pk)
