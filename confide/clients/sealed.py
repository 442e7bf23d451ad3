"""Model attributes whose text is stored sealed (see confide.lib.crypto)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models

from confide.lib.crypto import Keyring, open_sealed, seal


@lru_cache(maxsize=4)
def _keyring(text: str) -> Keyring:
    return Keyring.parse(text)


def keyring() -> Keyring:
    """Return the configured keyring (read on use, never at import)."""
    return _keyring(settings.DATA_KEYS)


def sealed_text(column: str, label: str) -> Any:
    """Return a property that stores its text sealed in ``column``, bound to the row's ``uid``.

    Reading a value that does not open (tampered, moved from another row, or its key gone) raises
    DecryptionError: it is never shown as if it were the text.
    """

    def context(instance: models.Model) -> str:
        return f"{instance._meta.label_lower}:{instance.uid}:{label}"  # type: ignore[attr-defined]

    def getter(instance: models.Model) -> str:
        sealed = getattr(instance, column)
        if not sealed:
            return ""
        return open_sealed(sealed, context=context(instance), keyring=keyring())

    def setter(instance: models.Model, value: str) -> None:
        sealed = seal(value, context=context(instance), keyring=keyring()) if value else ""
        setattr(instance, column, sealed)

    return property(getter, setter, doc=f"{label}, stored sealed in {column}")
