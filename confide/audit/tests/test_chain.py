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
    Seen,
    StoredEvent,
    Stretch,
    canonical,
    chain_key,
    link,
    verify,
)
from confide.lib.crypto import Keyring

KEYRING = Keyring(keys={"k2": b"\x02" * 32, "k1": b"\x01" * 32}, current="k2")
# KEYRING before the data keys k0 and k9 were removed from it.
EARLIER = Keyring(keys={**KEYRING.keys, "k0": b"\x00" * 32, "k9": b"\x09" * 32}, current="k2")
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
    return build_with([key_id] * count)


def build_with(key_ids: list[str]) -> list[StoredEvent]:
    """Events 1, 2, ... hashed with the given data keys, in order."""
    events, previous = [], GENESIS
    for sequence, key_id in enumerate(key_ids, start=1):
        f = fields(sequence, key_id=key_id)
        value = link(key=chain_key(EARLIER, key_id), previous=previous, fields=f)
        events.append(StoredEvent(sequence * 10, f, previous, value))
        previous = value
    return events


def check(  # type: ignore[no-untyped-def]
    events: list[StoredEvent], head: int | None = None, seen: Seen | None = None
):
    by_hash = {e.hash: e.fields.sequence for e in events}
    return verify(
        events, keyring=KEYRING, head_sequence=head, sequence_of_hash=by_hash.get, seen=seen
    )


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


# -- Events hashed with a data key that is no longer configured -------------------------------


def test_it_checks_every_event_after_a_stretch_whose_key_is_gone() -> None:
    events = build_with(["k0", "k0", "k0", "k2", "k2"])
    report = check(events, head=5)
    assert report.finding is None
    assert report.unverifiable == (Stretch(1, 3, "k0", 10),)
    assert not report.intact
    assert (report.count, report.last_sequence, report.last_hash) == (2, 5, events[4].hash)


def test_it_reports_each_stretch_and_its_key() -> None:
    report = check(build_with(["k0", "k0", "k2", "k0", "k9", "k1"]), head=6)
    assert report.finding is None
    assert [s.describe() for s in report.unverifiable] == [
        "events #1 to #2 (data key 'k0')",
        "event #4 (data key 'k0')",
        "event #5 (data key 'k9')",
    ]
    assert report.count == 2


def test_it_still_names_a_changed_event_after_an_unverifiable_stretch() -> None:
    events = build_with(["k0", "k0", "k2", "k2", "k2"])
    events[3] = dataclasses.replace(events[3], fields=fields(4, summary="edited"))
    report = check(events, head=5)
    assert report.finding is not None
    assert (report.finding.problem, report.finding.sequence) == ("changed", 4)
    assert report.unverifiable == (Stretch(1, 2, "k0", 10),)
    assert (report.count, report.last_sequence) == (1, 3)


def test_it_checks_the_place_of_events_inside_an_unverifiable_stretch() -> None:
    events = build_with(["k0"] * 4 + ["k2"])
    del events[1]
    report = check(events, head=5)
    assert report.finding is not None
    assert (report.finding.problem, report.finding.sequence) == ("missing", 2)
    assert "event #2 is gone; the next is #3" in report.finding.detail


def test_it_checks_the_link_into_an_unverifiable_event() -> None:
    events = build_with(["k2", "k0", "k0", "k2"])
    events[2] = dataclasses.replace(events[2], previous_hash=events[0].hash)
    report = check(events, head=4)
    assert report.finding is not None
    assert (report.finding.problem, report.finding.sequence) == ("reordered", 3)
    assert "follows event #1, not event #2" in report.finding.detail


def test_it_notices_a_changed_hash_on_an_unverifiable_event_at_the_next_event() -> None:
    # The next event's own hash covers the link, so the stored hash cannot be swapped quietly.
    events = build_with(["k0", "k0", "k2"])
    events[1] = dataclasses.replace(events[1], hash="f" * 64)
    report = check(events, head=3)
    assert report.finding is not None
    assert (report.finding.problem, report.finding.sequence) == ("reordered", 3)
    assert "follows an event not in the log" in report.finding.detail


# -- Comparing with an earlier verification ------------------------------------------------------


def test_it_notices_a_log_that_ends_before_an_earlier_verification_saw_it_end() -> None:
    events = build(5)
    # Cut back to 3 events, with the chain head moved back too.
    report = check(events[:3], head=3, seen=Seen(5, events[4].hash))
    assert report.finding is not None
    assert (report.finding.problem, report.finding.sequence) == ("missing", 4)
    assert "the log ends before event #5 that an earlier verification saw" in (
        report.finding.detail
    )
    assert "events #4 to #5 are gone from the end" in report.finding.detail
    assert report.count == 3


def test_it_notices_a_log_cut_back_and_gone_on_since() -> None:
    original = build(5)
    # Events 4 and 5 removed and two others appended in their place.
    later = build_with(["k2"] * 3 + ["k1", "k1"])
    assert later[:3] == original[:3]
    report = check(later, head=5, seen=Seen(5, original[4].hash))
    assert report.finding is not None
    assert (report.finding.problem, report.finding.sequence) == ("missing", 5)
    assert "an earlier verification saw another event #5" in report.finding.detail


def test_it_passes_a_log_that_has_grown_since_an_earlier_verification() -> None:
    events = build(5)
    assert check(events, head=5, seen=Seen(3, events[2].hash)).intact
    assert check(events, head=5, seen=Seen(5, events[4].hash)).intact
    # An earlier run that kept no hash still says how far the log went.
    assert check(events, head=5, seen=Seen(5, "")).intact
    assert not check(events[:4], head=4, seen=Seen(5, "")).intact


def test_it_verifies_events_hashed_with_an_older_key_still_in_the_keyring() -> None:
    assert check(build(3, key_id="k1"), head=3).intact


def test_it_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        canonical(fields(1, at=dt.datetime(2027, 1, 1)))  # noqa: DTZ001
