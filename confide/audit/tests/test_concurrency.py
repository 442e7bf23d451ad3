"""Appends from many connections at once each take their own place in the chain."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, connections

from confide.audit.models import AuditChainHead, AuditEvent
from confide.audit.services import audit_chain_verify, audit_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.serial,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serializes writers itself (transaction_mode IMMEDIATE)",
    ),
]
WRITERS = 6


def append_at_once() -> list[BaseException]:
    barrier, errors = threading.Barrier(WRITERS), []

    def write() -> None:
        try:
            barrier.wait()
            audit_record(
                request=None,
                actor=None,
                action=AuditEvent.Action.VIEW,
                target_type="client",
                target_uid=uuid.uuid4(),
                client_uid=None,
            )
        except BaseException as error:  # collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def slowed(read_head: Callable[[], AuditChainHead]) -> Callable[[], AuditChainHead]:
    """Widen the window between reading the head and writing the event."""

    def read() -> AuditChainHead:
        head = read_head()
        time.sleep(0.2)
        return head

    return read


def test_simultaneous_appends_each_take_the_next_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AuditChainHead, "locked", slowed(AuditChainHead.locked))
    assert append_at_once() == []
    sequences = sorted(AuditEvent.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS + 1))
    assert audit_chain_verify(now=AuditEvent.objects.first().at).intact  # type: ignore[union-attr]


def test_without_the_lock_simultaneous_appends_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    AuditChainHead.objects.get_or_create(pk=1)

    def unlocked() -> AuditChainHead:
        return AuditChainHead.objects.get(pk=1)

    monkeypatch.setattr(AuditChainHead, "locked", slowed(unlocked))
    errors = append_at_once()
    assert errors
    assert all(isinstance(error, IntegrityError) for error in errors)
    # The unique sequence keeps even an unguarded log well defined: the losers are refused.
    assert AuditEvent.objects.count() == WRITERS - len(errors)
