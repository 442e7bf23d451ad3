"""Model attributes whose text is stored sealed (see confide.lib.crypto), and the key checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from confide.lib.crypto import Keyring, key_check, mismatched_keys, open_sealed, seal

# Keyring texts whose keys matched their stored checks in this process (after commit).
_verified: set[str] = set()


class DataKeyMismatchError(ImproperlyConfigured):
    """A configured data key has other bytes than the key its id was first seen with."""

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
    """Return the configured keyring, verified against the stored key checks once per process.

    Raise DataKeyMismatchError when a key's bytes differ from those its id was first seen with,
    so nothing is ever sealed with a wrong key. A key seen for the first time has its check
    recorded before anything is sealed with it.
    """
    text = settings.DATA_KEYS
    ring = _keyring(text)
    if text not in _verified:
        _verify(ring, text)
    return ring


def _verify(ring: Keyring, text: str) -> None:
    from confide.clients.models import DataKeyCheck

    stored = dict(
        DataKeyCheck.objects.filter(key_id__in=list(ring.keys)).values_list("key_id", "check_value")
    )
    for key_id in ring.keys:
        if key_id not in stored:
            # get_or_create: two processes seeing a new key at once keep one check between them.
            row, _ = DataKeyCheck.objects.get_or_create(
                key_id=key_id, defaults={"check_value": key_check(ring, key_id)}
            )
            stored[key_id] = row.check_value
    wrong = mismatched_keys(ring, stored)
    if wrong:
        raise DataKeyMismatchError(wrong[0])
    # Remember only once the checks are committed: a rolled-back first use must record them again.
    transaction.on_commit(lambda: _verified.add(text))


def forget_verified_keys() -> None:
    """Make the next use of the keyring check the keys against the database again."""
    _verified.clear()


class SealedText(property):
    """A property that stores its text sealed in a column, bound to its row and more.

    The associated data is ``<model>:<uid>:<label>``, followed by ``|`` and what ``binding``
    returns for the row (its kind, say), so changing those columns makes the text fail to open.
    """

    def __init__(
        self, column: str, label: str, binding: Callable[[Any], str] | None = None
    ) -> None:
        self.column = column
        self.label = label
        self.binding = binding
        super().__init__(self._get, self._set, doc=f"{label}, stored sealed in {column}")

    def legacy_context(self, instance: models.Model) -> str:
        """Return the associated data before anything but the row and field was bound."""
        return f"{instance._meta.label_lower}:{instance.uid}:{self.label}"  # type: ignore[attr-defined]

    def context(self, instance: models.Model) -> str:
        """Return the associated data a value in this row is sealed with now."""
        base = self.legacy_context(instance)
        return base if self.binding is None else f"{base}|{self.binding(instance)}"

    def _get(self, instance: models.Model) -> str:
        sealed = getattr(instance, self.column)
        if not sealed:
            return ""
        return open_sealed(sealed, context=self.context(instance), keyring=keyring())

    def _set(self, instance: models.Model, value: str) -> None:
        sealed = seal(value, context=self.context(instance), keyring=keyring()) if value else ""
        setattr(instance, self.column, sealed)


def sealed_text(column: str, label: str, binding: Callable[[Any], str] | None = None) -> Any:
    """Return a property that stores its text sealed in ``column``, bound to the row's ``uid``.

    Reading a value that does not open (tampered, moved from another row, its bound columns
    changed, or its key gone) raises DecryptionError: it is never shown as if it were the text.
    """
    return SealedText(column, label, binding)


def sealed_attributes(model: type[models.Model]) -> list[SealedText]:
    """Return every sealed text attribute of a model, inherited ones included."""
    found: dict[str, SealedText] = {}
    for klass in reversed(model.__mro__):
        for attribute in vars(klass).values():
            if isinstance(attribute, SealedText):
                found[attribute.column] = attribute
    return list(found.values())
