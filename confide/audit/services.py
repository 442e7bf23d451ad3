"""Record reads and changes of client records; verify the log's hash chain."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.http import HttpRequest

from confide.audit import chain
from confide.audit.models import AuditChainHead, AuditEvent, AuditVerification
from confide.keys.ring import keyring
from confide.lib.request_address import client_address


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


def _last_good_run() -> AuditVerification | None:
    """Return the latest run that found every event in place (checked or not), if any."""
    runs = AuditVerification.objects.filter(problem="", last_sequence__gt=0)
    return runs.order_by("-at", "-pk").first()


def _head_warning(head: AuditChainHead | None, since: dt.datetime | None) -> str:
    if head is None:
        return (
            "The chain head is missing; the next event rebuilds it from the last one. Events "
            "removed from the end are found only by comparing with earlier runs."
        )
    if head.rebuilt_at is not None and (since is None or head.rebuilt_at > since):
        at = head.rebuilt_at.astimezone(dt.UTC)
        return (
            f"The chain head was missing and was rebuilt from the last event on "
            f"{at:%Y-%m-%d at %H:%M} UTC. Events removed from the end before then are found "
            "only by comparing with earlier runs."
        )
    return ""


def _describe(stretches: tuple[chain.Stretch, ...]) -> str:
    text = ", ".join(stretch.describe() for stretch in stretches)
    return text if len(text) <= 300 else text[:299] + "…"


def audit_chain_verify(*, now: dt.datetime) -> AuditVerification:
    """Check every event's hash and place in the chain, and record the result.

    The log must still reach the last event the latest good run saw, with the same hash, so
    that cutting events from the end is found even when the chain head was moved back or
    rebuilt.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    previous_run = AuditVerification.objects.order_by("-at", "-pk").first()
    good = _last_good_run()
    report = chain.verify(
        _stored_events(),
        keyring=keyring(),
        head_sequence=head.sequence if head is not None else None,
        sequence_of_hash=_sequence_of_hash,
        seen=chain.Seen(good.last_sequence, good.last_hash) if good is not None else None,
    )
    finding = report.finding
    return AuditVerification.objects.create(
        at=now,
        intact=report.intact,
        count=report.count,
        last_sequence=report.last_sequence,
        last_hash=report.last_hash if report.last_sequence else "",
        problem=finding.problem if finding else "",
        bad_sequence=finding.sequence if finding else None,
        bad_event_id=finding.event_id if finding else None,
        detail=finding.detail[:300] if finding else "",
        unverifiable=_describe(report.unverifiable),
        warning=_head_warning(head, previous_run.at if previous_run is not None else None),
    )
