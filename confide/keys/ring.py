"""The configured data keys, verified against the database before anything uses them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DatabaseError, connections, models, transaction

from confide.lib.crypto import (
    DecryptionError,
    Keyring,
    key_check,
    key_id_of,
    mismatched_keys,
    open_sealed_bytes,
    sealed_prefix,
)

# A witness answers whether the bytes a keyring has for a key id made one stored value.
type Witness = Callable[[Keyring], bool]
# A kind of stored value: given a model registry and a key id, its witnesses for that key id.
type WitnessSource = Callable[[Apps, str], Iterable[Witness]]

# Values tried per column for a key id without a check: the right key opens the first one (a
# value that does not open is rare), and a wrong key is refused without reading every row.
WITNESSES_PER_COLUMN = 20

_sources: dict[str, WitnessSource] = {}
# Keyring texts whose keys were verified in this process (after commit).
_verified: set[str] = set()


class DataKeyMismatchError(ImproperlyConfigured):
    """A configured data key has other bytes than the key its id was first used with."""

    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"CONFIDE_DATA_KEYS: key {key_id!r} does not match the key {key_id!r} this database "
            f"was first used with. Nothing is sealed or opened with it. Configure the original "
            f"key {key_id!r}, or give a new key a new id (see docs/production.md)."
        )
        self.key_id = key_id


@lru_cache(maxsize=4)
def _keyring(text: str) -> Keyring:
    return Keyring.parse(text)


def configured_keyring() -> Keyring:
    """Return the keyring as configured, before any check against the database."""
    return _keyring(settings.DATA_KEYS)


def keyring() -> Keyring:
    """Return the configured keyring, verified against the database once per process.

    Every app that seals, opens or hashes with the data keys gets them here. Raise
    DataKeyMismatchError when a key is not the one its id was first used with, so nothing is
    ever sealed or hashed with a wrong key.
    """
    text = settings.DATA_KEYS
    if text not in _verified:
        data_keys_verify()
        # Remember only once the checks are committed: a rolled-back first use must record
        # them again.
        transaction.on_commit(lambda: _verified.add(text))
    return _keyring(text)


def forget_verified_keys() -> None:
    """Make the next use of the keyring check the keys against the database again."""
    _verified.clear()


def data_keys_verify(*, registry: Apps | None = None) -> Keyring:
    """Return the configured keyring once every key is shown to be the one its id stands for.

    A key id with a stored check must open it. A key id without one must open at least one of
    the values stored under it, if there are any; then its check is recorded. Raise
    DataKeyMismatchError naming the first key that fails, having recorded nothing for it.
    ``registry`` is a migration's models; the installed ones by default.
    """
    registry = registry or installed_apps
    ring = configured_keyring()
    checks = registry.get_model("keys", "DataKeyCheck")
    stored = _stored_checks(checks, ring)
    wrong = _refused(ring, stored, registry)
    if wrong:
        raise DataKeyMismatchError(wrong[0])
    for key_id in ring.keys:
        if key_id not in stored:
            # get_or_create: two processes seeing a new key at once keep one check between them.
            row, _ = checks._default_manager.get_or_create(
                key_id=key_id, defaults={"check_value": key_check(ring, key_id)}
            )
            stored[key_id] = row.check_value
    wrong = mismatched_keys(ring, stored)
    if wrong:
        raise DataKeyMismatchError(wrong[0])
    return ring


def data_keys_refused(*, registry: Apps | None = None) -> list[str]:
    """Return the ids of configured keys that ``data_keys_verify`` would refuse; record nothing."""
    registry = registry or installed_apps
    ring = configured_keyring()
    checks = registry.get_model("keys", "DataKeyCheck")
    return _refused(ring, _stored_checks(checks, ring), registry)


def data_keys_verify_at_start() -> None:
    """Verify the keys before a server or worker takes work; raise DataKeyMismatchError.

    A database that cannot be read yet (not created, not migrated, not reachable) is no error
    here, as for the system check: the first use verifies the keys again.
    """
    try:
        keyring()
    except DatabaseError:
        pass
    finally:
        # A server that loads the app before forking its workers must not share this connection.
        connections.close_all()


def _stored_checks(checks: type[models.Model], ring: Keyring) -> dict[str, str]:
    rows = checks._default_manager.filter(key_id__in=list(ring.keys))
    return dict(rows.values_list("key_id", "check_value"))


def _refused(ring: Keyring, stored: dict[str, str], registry: Apps) -> list[str]:
    mismatched = set(mismatched_keys(ring, stored))
    return [
        key_id
        for key_id in ring.keys
        if key_id in mismatched
        or (key_id not in stored and _stored_values_refuse(ring, key_id, registry))
    ]


def _stored_values_refuse(ring: Keyring, key_id: str, registry: Apps) -> bool:
    """Return True when values are stored under ``key_id`` and none of them opens with ``ring``.

    Without this, a key id first seen on a database that already holds values sealed with it
    (an install upgraded to key checks, or one whose checks were lost) would have its check
    recorded from whatever bytes are configured, and the right key refused ever after.
    """
    seen = False
    for source in _sources.values():
        for witness in source(registry, key_id):
            if witness(ring):
                return False
            seen = True
    return seen


def witnesses_register(source: WitnessSource) -> None:
    """Add a kind of stored value that shows which bytes a key id had (from AppConfig.ready)."""
    _sources[f"{source.__module__}.{source.__qualname__}"] = source


def sealed_witness(sealed: str, contexts: Sequence[str]) -> Witness:
    """Return a witness that opens ``sealed`` with any of ``contexts``."""

    def opens(ring: Keyring) -> bool:
        for context in contexts:
            try:
                open_sealed_bytes(sealed, context=context, keyring=ring)
            except DecryptionError:
                continue
            return True
        return False

    return opens


def column_witnesses(
    registry: Apps,
    label: str,
    column: str,
    key_id: str,
    contexts: Callable[[models.Model], Sequence[str]],
) -> Iterator[Witness]:
    """Yield witnesses for the first values sealed with ``key_id`` in one column of a model.

    Nothing when the registry (a migration's, say) has no such model or column yet. Rows are
    read one at a time: a sealed document can be large, and the first one usually settles it.
    """
    try:
        model = registry.get_model(label)
        model._meta.get_field(column)
    except (LookupError, FieldDoesNotExist):
        return
    manager = model._base_manager
    rows = manager.filter(**{f"{column}__startswith": sealed_prefix(key_id)}).order_by("pk")
    for pk in list(rows.values_list("pk", flat=True)[:WITNESSES_PER_COLUMN]):
        row = manager.get(pk=pk)
        sealed = getattr(row, column)
        # SQLite compares LIKE prefixes without case: k1 and K1 are different keys.
        if key_id_of(sealed) == key_id:
            yield sealed_witness(sealed, contexts(row))
