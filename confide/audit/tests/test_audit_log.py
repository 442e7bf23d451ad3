"""The audit log's hash chain in the database, audit_verify, and who may delete whom."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError

from confide.audit.chain import GENESIS
from confide.audit.models import AuditChainHead, AuditEvent, AuditVerification
from confide.audit.services import audit_record

pytestmark = pytest.mark.django_db


def record(actor: User | None = None, summary: str = "record opened") -> AuditEvent:
    return audit_record(
        request=None,
        actor=actor,
        action=AuditEvent.Action.VIEW,
        target_type="client",
        target_uid=uuid.uuid4(),
        client_uid=uuid.uuid4(),
        summary=summary,
    )


@contextmanager
def append_only_lifted() -> Iterator[None]:
    """Lift the append-only trigger as someone with the table owner's rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check of rows this test wrote.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
            yield
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            yield
            cursor.execute(
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )


def raw(sql: str, params: list[Any]) -> None:
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify(stderr: StringIO | None = None) -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=stderr or StringIO())
    return out.getvalue()


def verify_fails(returncode: int = 1) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    assert failure.value.returncode == returncode
    return str(failure.value)


def last_run() -> AuditVerification:
    run = AuditVerification.objects.order_by("-at", "-pk").first()
    assert run is not None
    return run


def test_it_chains_each_event_to_the_one_before(owner: User) -> None:
    first, second, third = record(owner), record(None), record(owner)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (3, third.hash)


def test_audit_verify_passes_a_clean_log_and_records_the_run(owner: User) -> None:
    events = [record(owner) for _ in range(3)]
    assert "intact: 3 events verified" in verify()
    run = AuditVerification.objects.get()
    assert (run.intact, run.count, run.last_sequence, run.problem) == (True, 3, 3, "")
    assert (run.last_hash, run.unverifiable, run.warning) == (events[2].hash, "", "")


def test_audit_verify_names_an_event_deleted_in_the_database(owner: User) -> None:
    events = [record(owner) for _ in range(4)]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    message = verify_fails()
    assert "event #2: missing" in message
    assert "event #2 is gone; the next is #3" in message
    run = AuditVerification.objects.get()
    assert (run.intact, run.problem, run.bad_sequence, run.count) == (False, "missing", 2, 1)


def test_audit_verify_names_an_event_altered_in_the_database(owner: User) -> None:
    events = [record(owner) for _ in range(4)]
    raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["someone", events[2].pk])
    message = verify_fails()
    assert f"event #3 (id {events[2].pk}): changed" in message
    assert AuditVerification.objects.get().bad_event_id == events[2].pk


def test_audit_verify_names_an_event_whose_time_was_moved(owner: User) -> None:
    events = [record(owner) for _ in range(3)]
    raw("UPDATE audit_auditevent SET at = %s WHERE id = %s", [events[0].at, events[1].pk])
    assert f"event #2 (id {events[1].pk}): changed" in verify_fails()


def test_audit_verify_names_events_put_in_another_order(owner: User) -> None:
    events = [record(owner) for _ in range(4)]
    second, third = events[1], events[2]
    # Swap their places; each row keeps its own content and hashes.
    raw("UPDATE audit_auditevent SET sequence = 0 WHERE id = %s", [second.pk])
    raw("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [third.pk])
    raw("UPDATE audit_auditevent SET sequence = 3 WHERE id = %s", [second.pk])
    message = verify_fails()
    assert f"event #2 (id {third.pk}): reordered" in message
    assert "hashed as event #3" in message


def test_audit_verify_notices_events_removed_from_the_end(owner: User) -> None:
    events = [record(owner) for _ in range(3)]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    assert "event #3 is gone from the end of the log" in verify_fails()


def test_it_hashes_addresses_as_the_database_keeps_them() -> None:
    AuditEvent.objects.create(
        actor_name="system",
        action=AuditEvent.Action.VIEW,
        target_type="client",
        target_uid=str(uuid.uuid4()).upper(),
        address="2001:DB8:0:0:0:0:0:1",
    )
    assert "intact: 1 event verified" in verify()


def test_it_goes_on_from_the_last_event_when_the_chain_head_is_gone(owner: User) -> None:
    record(owner)
    record(owner)
    assert "intact: 2 events verified" in verify()
    AuditChainHead.objects.all().delete()
    assert record(owner).sequence == 3
    assert AuditChainHead.objects.get().rebuilt_at is not None
    warnings = StringIO()
    assert "intact: 3 events verified" in verify(stderr=warnings)
    assert "chain head was missing and was rebuilt from the last event" in warnings.getvalue()
    assert "was rebuilt" in last_run().warning
    # Said once, by the first run after it.
    again = StringIO()
    verify(stderr=again)
    assert again.getvalue() == ""
    assert last_run().warning == ""


def test_a_head_made_for_an_empty_log_is_not_called_rebuilt() -> None:
    AuditChainHead.objects.all().delete()
    record()
    assert AuditChainHead.objects.get().rebuilt_at is None


# -- Comparing with the previous run -----------------------------------------------------------


def test_audit_verify_notices_events_cut_from_the_end_with_the_chain_head(owner: User) -> None:
    events = [record(owner) for _ in range(3)]
    verify()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    AuditChainHead.objects.all().delete()
    message = verify_fails()
    assert "the log ends before event #3 that an earlier verification saw" in message
    assert "The chain head is missing" in message
    run = last_run()
    assert (run.intact, run.problem, run.bad_sequence, run.count) == (False, "missing", 3, 2)


def test_audit_verify_notices_a_log_cut_back_that_has_gone_on_since(owner: User) -> None:
    events = [record(owner) for _ in range(3)]
    verify()
    raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    AuditChainHead.objects.all().delete()
    # The app goes on: the head is rebuilt from event 2 and a new event 3 follows it.
    replacement = record(owner)
    assert replacement.sequence == 3
    message = verify_fails()
    assert f"event #3 (id {replacement.pk}): missing" in message
    assert "an earlier verification saw another event #3" in message
    assert "was rebuilt from the last event" in message
    # It stays broken: a failed run is not what later runs compare with.
    assert "an earlier verification saw another event #3" in verify_fails()


def test_audit_verify_compares_with_the_last_run_that_found_the_log_whole(owner: User) -> None:
    events = [record(owner) for _ in range(3)]
    verify()
    raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["edited", events[0].pk])
    verify_fails()
    record(owner)
    raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["record opened", events[0].pk])
    assert "intact: 4 events verified" in verify()


# -- Events hashed with a data key that is not configured ----------------------------------------


def key_removed(*events: AuditEvent) -> None:
    """Make events look to the verifier as if their data key had been removed from the keys."""
    for event in events:
        raw("UPDATE audit_auditevent SET key_id = %s WHERE id = %s", ["retired", event.pk])


def test_audit_verify_checks_every_event_after_those_whose_key_is_gone(owner: User) -> None:
    events = [record(owner) for _ in range(4)]
    key_removed(events[0], events[1])
    message = verify_fails(returncode=2)
    assert "Audit chain unverifiable: all 4 events are in order and linked, 2 of them" in message
    assert "events #1 to #2 (data key 'retired')" in message
    assert "broken" not in message
    run = last_run()
    assert (run.intact, run.problem, run.outcome) == (False, "", "unverifiable")
    assert (run.count, run.last_sequence, run.last_hash) == (2, 4, events[3].hash)
    assert run.unverifiable == "events #1 to #2 (data key 'retired')"


def test_audit_verify_names_a_break_after_events_whose_key_is_gone(owner: User) -> None:
    events = [record(owner) for _ in range(4)]
    key_removed(events[0])
    raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["someone", events[2].pk])
    message = verify_fails(returncode=1)
    assert f"broken at event #3 (id {events[2].pk}): changed" in message
    assert "The 2 before it are in order." in message
    assert "event #1 (data key 'retired')" in message
    run = last_run()
    assert (run.outcome, run.problem, run.bad_sequence) == ("broken", "changed", 3)
    assert run.unverifiable == "event #1 (data key 'retired')"


def test_it_refuses_events_that_skip_the_chain() -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_create([AuditEvent(actor_name="x", target_uid=uuid.uuid4())])


def test_it_refuses_to_delete_a_person_with_audit_history(owner: User) -> None:
    event = record(owner)
    with pytest.raises(ProtectedError):
        owner.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_id == owner.pk
    assert "intact: 1 event verified" in verify()


def test_it_deletes_a_person_without_audit_history(stranger: User) -> None:
    stranger.delete()
    assert not User.objects.filter(username="stranger").exists()
