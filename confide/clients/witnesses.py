"""Values sealed in model columns and documents, offered to the data key checks."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from confide.clients.sealed import SealedColumn, sealed_columns
from confide.keys.ring import Witness, column_witnesses


def sealed_values(registry: Apps, key_id: str) -> Iterator[Witness]:
    """Yield the first values sealed with ``key_id`` in every sealed column and in documents."""
    for column in sealed_columns(installed_apps.get_models()):
        yield from column_witnesses(
            registry,
            column.model._meta.label,
            column.column,
            key_id,
            partial(_contexts, column),
        )


def _contexts(column: SealedColumn, row: models.Model) -> list[str]:
    """Return the contexts a value in this row may be sealed with: bound now, or from before."""
    legacy = column.legacy(row) if column.legacy is not None else None
    try:
        bound = column.context(row)
    except (AttributeError, ObjectDoesNotExist):
        # A migration's older model may lack a column the binding reads.
        return [legacy] if legacy is not None else []
    return [bound] if legacy in (None, bound) else [bound, legacy]
