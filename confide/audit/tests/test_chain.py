"""The hash chain's canonical form and verification, without a database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable

import pytest

from confide.audit.chain import (
    GENESIS,
    EventFields,
    StoredEvent,
    canonical,
    chain_key,
    link,
    verify,
)
from confide.lib.crypto import Keyring

KEYRING = Keyring(keys={"k2": b"\x02" * 32, "k1": b"\x01" * 32}, current="k2")
NEW_YORK = dt.timezone(dt.timedelta(hours=-5))


def fields(sequence: int, **changes: object) -> EventFields:
    base = EventFields(
        sequence=sequence,
        at=dt.datetime(2027, 3, 14, 6, 59, 59, 123456, tzinfo=dt.UTC),
        actor_id=7,
        actor_name="therapist",
        action="view",
        target_type="client",
        target_uid=uuid.UUID(int=sequence),
        client_uid=uuid.UUID(int=1000 + sequence),
        summary="record opened",
        address="192.0.2.10",
        key_id="k2",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def build(count: int, *, key_id: str = "k2") -> list[StoredEvent]:
    events, previous = [], GENESIS
    for sequence in range(1, count + 1):
        f = fields(sequence, key_id=key_id)
        value = link(key=chain_key(KEYRING, key_id), previous=previous, fields=f)
        events.append(StoredEvent(sequence * 10, f, previous, value))
        previous = value
    return events


def check(events: list[StoredEvent], head: int | None = None):  # type: ignore[no-untyped-def]
    by_hash = {e.hash: e.fields.sequence for e in events}
    return verify(events, keyring=KEYRING, head_sequence=head, sequence_of_hash=by_hash.get)


@pytest.mark.parametrize(
    "change",
    [
        {"sequence": 2},
        {"at": dt.datetime(2027, 3, 14, 6, 59, 59, 123457, tzinfo=dt.UTC)},
        {"actor_id": 8},
        {"actor_id": None},
        {"actor_name": "someone else"},
        {"action": "change"},
        {"target_type": "note"},
        {"target_uid": uuid.UUID(int=99)},
        {"client_uid": None},
        {"summary": "record opened "},
        {"address": "192.0.2.11"},
        {"address": None},
        {"key_id": "k1"},
    ],
)
def test_it_hashes_every_field(change: dict[str, object]) -> None:
    key = chain_key(KEYRING, "k2")
    original = fields(1)
    changed = dataclasses.replace(original, **change)  # type: ignore[arg-type]
    assert link(key=key, previous=GENESIS, fields=original) != link(
        key=key, previous=GENESIS, fields=changed
    )


def test_it_writes_times_in_utc_whatever_zone_they_come_in() -> None:
    utc = fields(1)
    local = fields(1, at=utc.at.astimezone(NEW_YORK))
    assert canonical(utc) == canonical(local)
    assert b'"at":"2027-03-14T06:59:59.123456+00:00"' in canonical(local)


def test_it_links_each_hash_to_the_previous_one_and_to_its_key() -> None:
    f = fields(1)
    assert link(key=chain_key(KEYRING, "k2"), previous=GENESIS, fields=f) != link(
        key=chain_key(KEYRING, "k2"), previous="1" * 64, fields=f
    )
    assert link(key=chain_key(KEYRING, "k2"), previous=GENESIS, fields=f) != link(
        key=chain_key(KEYRING, "k1"), previous=GENESIS, fields=f
    )


def test_it_finds_an_intact_chain_intact() -> None:
    report = check(build(5), head=5)
    assert report.intact
    assert (report.count, report.last_sequence) == (5, 5)


def test_it_finds_an_empty_log_intact() -> None:
    assert check([], head=0).intact


def _changed(events: list[StoredEvent]) -> list[StoredEvent]:
    events[2] = dataclasses.replace(events[2], fields=fields(3, summary="edited"))
    return events


def _removed(events: list[StoredEvent]) -> list[StoredEvent]:
    del events[2]
    return events


def _two_removed(events: list[StoredEvent]) -> list[StoredEvent]:
    del events[2:4]
    return events


def _swapped(events: list[StoredEvent]) -> list[StoredEvent]:
    # Each moved row keeps its hashes and takes the other's place in the sequence.
    third, fourth = events[2], events[3]
    events[2] = dataclasses.replace(fourth, fields=dataclasses.replace(fourth.fields, sequence=3))
    events[3] = dataclasses.replace(third, fields=dataclasses.replace(third.fields, sequence=4))
    return events


def _relinked(events: list[StoredEvent]) -> list[StoredEvent]:
    # Rehashed with the key, but linked past event 2: the event is sound, its place is not.
    f = events[2].fields
    value = link(key=chain_key(KEYRING, "k2"), previous=events[0].hash, fields=f)
    events[2] = StoredEvent(events[2].event_id, f, events[0].hash, value)
    return events


def _rehashed_without_the_key(events: list[StoredEvent]) -> list[StoredEvent]:
    f = fields(3, summary="edited")
    value = link(key=b"\x09" * 32, previous=events[1].hash, fields=f)
    events[2] = StoredEvent(events[2].event_id, f, events[1].hash, value)
    return events


def _truncated(events: list[StoredEvent]) -> list[StoredEvent]:
    return events[:3]


def _unknown_key(events: list[StoredEvent]) -> list[StoredEvent]:
    events[2] = dataclasses.replace(events[2], fields=fields(3, key_id="k0"))
    return events


@pytest.mark.parametrize(
    ("tamper", "problem", "sequence", "event_id", "detail"),
    [
        (_changed, "changed", 3, 30, "no longer matches its hash"),
        (_rehashed_without_the_key, "changed", 3, 30, "no longer matches its hash"),
        (_removed, "missing", 3, None, "event #3 is gone; the next is #4"),
        (_two_removed, "missing", 3, None, "events #3 to #4 are gone"),
        (_truncated, "missing", 4, None, "events #4 to #5 are gone from the end"),
        (_swapped, "reordered", 3, 40, "hashed as event #4"),
        (_relinked, "reordered", 3, 30, "follows event #1, not event #2"),
        (_unknown_key, "unverifiable", 3, 30, "data key 'k0'"),
    ],
)
def test_it_names_the_first_bad_event(
    tamper: Callable[[list[StoredEvent]], list[StoredEvent]],
    problem: str,
    sequence: int,
    event_id: int | None,
    detail: str,
) -> None:
    report = check(tamper(build(5)), head=5)
    assert report.finding is not None
    assert report.finding.problem == problem
    assert report.finding.sequence == sequence
    assert report.finding.event_id == event_id
    assert detail in report.finding.detail
    assert report.count == sequence - 1


def test_it_verifies_events_hashed_with_an_older_key_still_in_the_keyring() -> None:
    assert check(build(3, key_id="k1"), head=3).intact


def test_it_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        canonical(fields(1, at=dt.datetime(2027, 1, 1)))  # noqa: DTZ001
