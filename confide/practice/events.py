"""Changes to the practice's settings, announced so that the audit log can record them.

The practice app sits below the audit log (decision 12), so its services cannot write an audit
event themselves: they announce the change, and the audit app listens. Scheduling's settings
(appointment types, hours and time off) announce theirs the same way, so every change of the
practice's configuration made in the office reaches the log by one path.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.dispatch import Signal
from django.http import HttpRequest

# Settings have no uuid of their own; their audit entries name them by one derived from a
# fixed namespace and what they are ("practice", "clinician:3"): stable, and no column needed.
SETTINGS_UID_NAMESPACE = uuid.UUID("3c9e4a55-8f1b-5d2e-a6c7-1e0b9d4f2a87")


def settings_uid(name: str) -> uuid.UUID:
    """Return the uuid that names a piece of the practice's settings in the audit log."""
    return uuid.uuid5(SETTINGS_UID_NAMESPACE, name)


settings_changed = Signal()
"""Sent inside the transaction of every change of the practice's settings made by a person.

Keyword arguments: ``actor`` (who), ``request`` (or None), ``action`` ("create", "change" or
"delete", the audit log's actions), ``target_type`` (such as "clinician"), ``target_uid``
(``settings_uid(...)``) and ``summary`` (what changed, never a person's words). A receiver that
fails rolls the change back.
"""


def settings_changed_send(
    *,
    actor: Any,
    request: HttpRequest | None,
    action: str,
    target_type: str,
    target: str,
    summary: str,
) -> None:
    """Announce a change of the practice's settings, in the caller's transaction."""
    settings_changed.send(
        sender=None,
        actor=actor,
        request=request,
        action=action,
        target_type=target_type,
        target_uid=settings_uid(target),
        summary=summary,
    )


def field_labels(model: type[models.Model], names: list[str] | tuple[str, ...]) -> str:
    """Return the labels of a model's fields that changed, for an audit entry's summary."""
    labels = []
    for name in names:
        try:
            labels.append(str(getattr(model._meta.get_field(name), "verbose_name", name)))
        except FieldDoesNotExist:
            labels.append(name.replace("_", " "))
    return ", ".join(labels)
