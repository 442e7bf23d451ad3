"""Model attributes whose text is stored sealed with the data keys (see confide.lib.crypto)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from confide.keys.ring import keyring
from confide.lib.crypto import open_sealed, open_sealed_bytes, seal, seal_bytes


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


class SealedBytes(SealedText):
    """A property that stores bytes (a file, a frozen PDF) sealed in a column, bound like text."""

    def _get(self, instance: models.Model) -> bytes:  # type: ignore[override]
        return open_sealed_bytes(
            getattr(instance, self.column), context=self.context(instance), keyring=keyring()
        )

    def _set(self, instance: models.Model, value: bytes) -> None:  # type: ignore[override]
        sealed = seal_bytes(value, context=self.context(instance), keyring=keyring())
        setattr(instance, self.column, sealed)


def sealed_bytes(column: str, label: str, binding: Callable[[Any], str] | None = None) -> Any:
    """Return a property that stores bytes sealed in ``column``, bound to the row's ``uid``."""
    return SealedBytes(column, label, binding)


def sealed_attributes(model: type[models.Model]) -> list[SealedText]:
    """Return every sealed text attribute of a model, inherited ones included."""
    found: dict[str, SealedText] = {}
    for klass in reversed(model.__mro__):
        for attribute in vars(klass).values():
            if isinstance(attribute, SealedText):
                found[attribute.column] = attribute
    return list(found.values())


@dataclass(frozen=True)
class SealedColumn:
    """One sealed column: how its value's context is named now, and how it was before binding."""

    model: type[models.Model]
    column: str
    context: Callable[[Any], str]
    legacy: Callable[[Any], str] | None = None


# Columns sealed with a context of their own making, registered by the module that owns them.
_registered: list[SealedColumn] = []


def sealed_column_register(
    model: type[models.Model], column: str, context: Callable[[Any], str]
) -> None:
    """Make a column sealed without ``sealed_text`` known to reseal and the key checks."""
    if not any(c.model is model and c.column == column for c in _registered):
        _registered.append(SealedColumn(model, column, context))


def sealed_columns(candidates: Iterable[type[models.Model]]) -> list[SealedColumn]:
    """Return every sealed column of these models: text, bytes and registered columns."""
    candidates = list(candidates)
    found = [
        SealedColumn(
            model,
            attribute.column,
            attribute.context,
            attribute.legacy_context if attribute.binding is not None else None,
        )
        for model in candidates
        for attribute in sealed_attributes(model)
    ]
    found += [c for c in _registered if c.model in candidates]
    return found
