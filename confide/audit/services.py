"""Record reads and changes of client records."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.http import HttpRequest

from confide.accounts.ratelimit import client_address
from confide.audit.models import AuditEvent


def audit_record(
    *,
    request: HttpRequest | None,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target_type: str,
    target_uid: uuid.UUID,
    client_uid: uuid.UUID | None,
    summary: str = "",
) -> AuditEvent:
    """Append one event; ``summary`` must describe the action, never repeat clinical text."""
    # Staff are django.contrib.auth users; request.user is only declared more widely.
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    name = user.get_username() if user is not None else "system"
    address = client_address(request) if request is not None else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=name,
        action=action,
        target_type=target_type,
        target_uid=target_uid,
        client_uid=client_uid,
        summary=summary[:200],
        address=address or None,
    )
