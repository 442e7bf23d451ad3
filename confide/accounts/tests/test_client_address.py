"""allauth, django-axes, the booking forms and the audit log see the same client for a request."""

from __future__ import annotations

import uuid

import pytest
from allauth.account.adapter import get_adapter
from axes.helpers import get_client_ip_address
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from confide.accounts import ratelimit
from confide.accounts.allauth_internals import get_ip
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _booking_limiter_address(request: HttpRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Return the address the booking forms' limiter keys its count on."""
    seen: list[str] = []
    real_key = ratelimit._key

    def spy(limit: ratelimit.Limit, address: str, window: int) -> str:
        seen.append(address)
        return real_key(limit, address, window)

    monkeypatch.setattr(ratelimit, "_key", spy)
    ratelimit.hit(ratelimit.Limit(scope="test", count=10, seconds=600), request)
    monkeypatch.undo()
    (address,) = seen
    return address


@pytest.mark.parametrize(
    ("proxies", "headers", "expected"),
    [
        (0, {}, "127.0.0.1"),
        (0, {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "127.0.0.1"),
        (1, {"HTTP_X_FORWARDED_FOR": "192.0.2.66, 203.0.113.9"}, "203.0.113.9"),
        (2, {"HTTP_X_FORWARDED_FOR": "192.0.2.66, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"),
    ],
)
def test_every_limiter_sees_the_same_client(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    proxies: int,
    headers: dict[str, str],
    expected: str,
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/office/account/login/", REMOTE_ADDR="127.0.0.1")
    request.META.update(headers)

    assert get_adapter(request).get_client_ip(request) == expected
    # What allauth's rate limits (login, login_failed, password reset) key on.
    assert get_ip(request) == expected
    assert get_client_ip_address(request) == expected
    assert _booking_limiter_address(request, monkeypatch) == expected
    assert _audited_address(request) == expected


def _audited_address(request: HttpRequest) -> str | None:
    """Return the address the audit log records for an event in this request."""
    event = audit_record(
        request=request, actor=None, action=AuditEvent.Action.VIEW, target_type="test",
        target_uid=uuid.uuid4(), client_uid=None,
    )  # fmt: skip
    return event.address
