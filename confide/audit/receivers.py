"""Changes the audit log hears about rather than is called for: the practice's settings."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest

from confide.audit.services import audit_record
from confide.practice.events import settings_changed


def _settings_changed(
    sender: object,
    *,
    actor: Any,
    request: HttpRequest | None,
    action: str,
    target_type: str,
    target_uid: uuid.UUID,
    summary: str,
    **kwargs: object,
) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=action,
        target_type=target_type,
        target_uid=target_uid,
        client_uid=None,
        summary=summary,
    )


def listen() -> None:
    settings_changed.connect(_settings_changed, dispatch_uid="confide.audit.settings_changed")
