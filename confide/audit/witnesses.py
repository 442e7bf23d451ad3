"""Audit events hashed with a data key, offered to the data key checks."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.apps.registry import Apps
from django.core.exceptions import FieldDoesNotExist

from confide.audit.chain import EventFields, chain_key, link
from confide.keys.ring import WITNESSES_PER_COLUMN, Witness
from confide.lib.crypto import Keyring


def chained_events(registry: Apps, key_id: str) -> Iterator[Witness]:
    """Yield the last events hashed with ``key_id``: the key's bytes must give their hashes."""
    try:
        event = registry.get_model("audit", "AuditEvent")
        event._meta.get_field("key_id")
    except (LookupError, FieldDoesNotExist):
        return
    rows = event._base_manager.filter(key_id=key_id).order_by("-sequence")
    for row in rows[:WITNESSES_PER_COLUMN]:
        yield partial(_hash_matches, row)


def _hash_matches(row: Any, ring: Keyring) -> bool:
    # The fields as stored, read from a migration's model as well as the app's.
    fields = EventFields.of(row)
    own = link(key=chain_key(ring, row.key_id), previous=row.previous_hash, fields=fields)
    return hmac.compare_digest(own, row.hash)
