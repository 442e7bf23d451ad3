"""Record reads and changes of client records; verify the log's hash chain."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.http import HttpRequest

from confide.accounts.ratelimit import client_address
from confide.audit import chain
from confide.audit.models import AuditChainHead, AuditEvent, AuditVerification, chain_keyring


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


def _stored_events() -> Iterator[chain.StoredEvent]:
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        yield chain.StoredEvent(
            event_id=event.pk,
            fields=event.chain_fields(),
            previous_hash=event.previous_hash,
            hash=event.hash,
        )


def _sequence_of_hash(value: str) -> int | None:
    return AuditEvent.objects.filter(hash=value).values_list("sequence", flat=True).first()


def audit_chain_verify(*, now: dt.datetime) -> AuditVerification:
    """Check every event's hash and place in the chain, and record the result."""
    head = AuditChainHead.objects.filter(pk=1).first()
    report = chain.verify(
        _stored_events(),
        keyring=chain_keyring(),
        head_sequence=head.sequence if head is not None else None,
        sequence_of_hash=_sequence_of_hash,
    )
    finding = report.finding
    return AuditVerification.objects.create(
        at=now,
        intact=finding is None,
        count=report.count,
        last_sequence=report.last_sequence,
        problem=finding.problem if finding else "",
        bad_sequence=finding.sequence if finding else None,
        bad_event_id=finding.event_id if finding else None,
        detail=finding.detail[:300] if finding else "",
    )
