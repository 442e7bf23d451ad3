"""Values sealed in model columns and documents, offered to the data key checks."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import cast

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from confide.clients.models import Document
from confide.clients.sealed import SealedText, sealed_attributes
from confide.keys.ring import Witness, column_witnesses


def sealed_values(registry: Apps, key_id: str) -> Iterator[Witness]:
    """Yield the first values sealed with ``key_id`` in every sealed column and in documents."""
    for model in installed_apps.get_models():
        for attribute in sealed_attributes(model):
            contexts = partial(_contexts, attribute)
            yield from column_witnesses(
                registry, model._meta.label, attribute.column, key_id, contexts
            )
    yield from column_witnesses(
        registry,
        Document._meta.label,
        "data_sealed",
        key_id,
        lambda row: [Document._context(cast(Document, row))],
    )


def _contexts(attribute: SealedText, row: models.Model) -> list[str]:
    """Return the contexts a value in this row may be sealed with: bound now, or from before."""
    legacy = attribute.legacy_context(row)
    try:
        bound = attribute.context(row)
    except (AttributeError, ObjectDoesNotExist):
        # A migration's older model may lack a column the binding reads.
        return [legacy]
    return [bound] if bound == legacy else [bound, legacy]
