"""The audit log's hash chain: canonical form of an event and its keyed link; no Django imports.

Each event's hash is HMAC-SHA256 over the previous event's hash and the event's own fields,
written in one fixed canonical form. The key is derived from one of the data keys and named by
that key's id, so a log can outlive a key rotation (see docs/decisions/0008).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from confide.lib.crypto import Keyring

# The first event links to this instead of a previous hash.
GENESIS = "0" * 64
# Changing the canonical form would break every stored hash: a new form needs a new version.
FORMAT = "confide-audit-v1"
_DERIVATION = b"confide audit chain v1"


class ChainKeyMissing(KeyError):
    """An event names a key id that is not in the keyring."""


@dataclass(frozen=True)
class EventFields:
    """Everything about an event that its hash covers."""

    sequence: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_uid: uuid.UUID
    client_uid: uuid.UUID | None
    summary: str
    address: str | None
    key_id: str

    @classmethod
    def of(cls, row: Any) -> EventFields:
        """Read the fields from a stored event, the app's model or a migration's."""
        return cls(
            sequence=row.sequence,
            at=row.at,
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            action=str(row.action),
            target_type=row.target_type,
            target_uid=row.target_uid,
            client_uid=row.client_uid,
            summary=row.summary,
            address=row.address,
            key_id=row.key_id,
        )


def canonical(fields: EventFields) -> bytes:
    """Return the event's fields as compact, key-sorted JSON; times in UTC to the microsecond."""
    if fields.at.tzinfo is None:
        raise ValueError("audit times must be aware")
    document: Mapping[str, object] = {
        "format": FORMAT,
        "sequence": fields.sequence,
        "at": fields.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": fields.actor_id,
        "actor_name": fields.actor_name,
        "action": fields.action,
        "target_type": fields.target_type,
        "target_uid": str(fields.target_uid),
        "client_uid": None if fields.client_uid is None else str(fields.client_uid),
        "summary": fields.summary,
        "address": fields.address or None,
        "key_id": fields.key_id,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def chain_key(keyring: Keyring, key_id: str) -> bytes:
    """Return the chain key derived from data key ``key_id``; raise ChainKeyMissing without it."""
    data_key = keyring.keys.get(key_id)
    if data_key is None:
        raise ChainKeyMissing(key_id)
    # A key of its own, so that no value made for the chain is ever a value made for sealing.
    return hmac.new(data_key, _DERIVATION, hashlib.sha256).digest()


def link(*, key: bytes, previous: str, fields: EventFields) -> str:
    """Return the hex HMAC-SHA256 of the previous hash followed by the event's canonical form."""
    return hmac.new(key, previous.encode() + b"\n" + canonical(fields), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    """An event as read back from the log, with the hashes stored beside it."""

    event_id: int
    fields: EventFields
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class Finding:
    """The first thing wrong with a chain: which event, and how."""

    problem: str  # changed, missing or reordered
    sequence: int
    event_id: int | None
    detail: str


@dataclass(frozen=True)
class Stretch:
    """Consecutive events hashed with a data key that is not configured: placed, not checked."""

    first: int
    last: int
    key_id: str
    event_id: int  # the first event's

    def describe(self) -> str:
        return f"{_events(self.first, self.last)} (data key {self.key_id!r})"


@dataclass(frozen=True)
class Seen:
    """Where an earlier verification found the log to end, and that event's hash."""

    sequence: int
    hash: str  # empty when the earlier run did not keep it


@dataclass(frozen=True)
class Report:
    """What a verification found: events checked in full, where the chain ends, what is wrong."""

    count: int  # events whose hash was checked; those in unverifiable stretches are not
    last_sequence: int  # the last event in its place, whether its hash was checked or not
    last_hash: str
    finding: Finding | None
    unverifiable: tuple[Stretch, ...] = ()

    @property
    def broken(self) -> bool:
        return self.finding is not None

    @property
    def intact(self) -> bool:
        return self.finding is None and not self.unverifiable


# How far from its place a moved event is looked for, in events, when telling "moved" apart
# from "changed"; a few thousand keyed hashes cost milliseconds.
MOVE_WINDOW = 5000


def _moved_from(event: StoredEvent, key: bytes) -> int | None:
    """Return the sequence this event was hashed with, if it was moved from a nearby place."""
    here = event.fields.sequence
    for distance in range(1, MOVE_WINDOW + 1):
        for candidate in (here - distance, here + distance):
            if candidate < 1:
                continue
            fields = _with_sequence(event.fields, candidate)
            if hmac.compare_digest(
                link(key=key, previous=event.previous_hash, fields=fields), event.hash
            ):
                return candidate
    return None


def _events(first: int, last: int) -> str:
    return f"event #{first}" if first == last else f"events #{first} to #{last}"


def _gone(first: int, last: int) -> str:
    return f"{_events(first, last)} {'is' if first == last else 'are'} gone"


def _with_sequence(fields: EventFields, sequence: int) -> EventFields:
    return EventFields(**{**fields.__dict__, "sequence": sequence})


def verify(
    events: Iterable[StoredEvent],
    *,
    keyring: Keyring,
    head_sequence: int | None,
    sequence_of_hash: Callable[[str], int | None],
    seen: Seen | None = None,
) -> Report:
    """Check events in sequence order; stop at the first one that was changed, removed or moved.

    ``head_sequence`` is where the chain head says the log ends (None when there is no head),
    and ``seen`` where an earlier verification found it to end, so that events removed from the
    end are found too. ``sequence_of_hash`` names the event a stored hash belongs to, for saying
    where a moved event really belongs. Events hashed with a key that is not in ``keyring`` are
    reported as stretches and the walk goes on: their place and links are still checked.
    """
    count, expected, previous = 0, 1, GENESIS
    keys: dict[str, bytes | None] = {}
    stretches: list[Stretch] = []

    def report(finding: Finding | None) -> Report:
        return Report(count, expected - 1, previous, finding, tuple(stretches))

    for event in events:
        sequence = event.fields.sequence
        if sequence != expected:
            if sequence < expected:
                finding = Finding("reordered", sequence, event.event_id, "sequence repeats")
            else:
                gone = _gone(expected, sequence - 1)
                finding = Finding("missing", expected, None, f"{gone}; the next is #{sequence}")
            return report(finding)
        key_id = event.fields.key_id
        if key_id not in keys:
            try:
                keys[key_id] = chain_key(keyring, key_id)
            except ChainKeyMissing:
                keys[key_id] = None
        key = keys[key_id]
        if key is not None:
            own = link(key=key, previous=event.previous_hash, fields=event.fields)
            if not hmac.compare_digest(own, event.hash):
                moved = _moved_from(event, key)
                if moved is not None:
                    detail = f"it was hashed as event #{moved}"
                    finding = Finding("reordered", sequence, event.event_id, detail)
                else:
                    detail = "its content no longer matches its hash"
                    finding = Finding("changed", sequence, event.event_id, detail)
                return report(finding)
        if not hmac.compare_digest(event.previous_hash, previous):
            before = sequence_of_hash(event.previous_hash)
            where = f"event #{before}" if before is not None else "an event not in the log"
            detail = f"it follows {where}, not event #{sequence - 1}"
            return report(Finding("reordered", sequence, event.event_id, detail))
        if (
            seen is not None
            and seen.hash
            and sequence == seen.sequence
            and not hmac.compare_digest(event.hash, seen.hash)
        ):
            detail = (
                f"an earlier verification saw another event #{sequence}: the log was cut back "
                "at or before it and has gone on since"
            )
            return report(Finding("missing", sequence, event.event_id, detail))
        if key is not None:
            count += 1
        elif stretches and stretches[-1].last == sequence - 1 and stretches[-1].key_id == key_id:
            stretches[-1] = dataclasses.replace(stretches[-1], last=sequence)
        else:
            stretches.append(Stretch(sequence, sequence, key_id, event.event_id))
        # An unverifiable event's stored hash is still what the next event must link to.
        expected, previous = expected + 1, event.hash
    end = expected - 1
    claimed = max(head_sequence or 0, seen.sequence if seen is not None else 0)
    if claimed > end:
        detail = f"{_gone(expected, claimed)} from the end of the log"
        if seen is not None and seen.sequence > end:
            detail += (
                f"; the log ends before event #{seen.sequence} that an earlier verification saw"
            )
        return report(Finding("missing", expected, None, detail))
    return report(None)
