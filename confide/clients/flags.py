"""Recording the therapist's follow-up on a crisis flag, for every kind of flag.

A flag is raised where a person's own words were screened (an intake answer, a measure's
comment, a request about their record). Each kind is its own model with the same follow-up
fields: ``follow_up`` (contacted, safety plan reviewed, other), ``follow_up_note`` (sealed),
``followed_up_at``, ``followed_up_by``, and a ``client``. A follow-up takes the flag off Today
and never off the record, is recorded once, and reaches the audit log without the note's words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from confide.accounts.sessions import AnyUser
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record

OTHER = "other"


def flag_follow_up_record[Flag: models.Model](
    *,
    flag: Flag,
    kind: str,
    note: str,
    actor: AnyUser | None,
    now: dt.datetime,
    request: HttpRequest | None,
    target_type: str,
    summary: str = "recorded a follow-up on a flag",
) -> Flag:
    """Record what the therapist did about ``flag`` and return the flag as saved.

    ``kind`` is one of the choices of the model's ``follow_up`` field; "other" needs a note.
    """
    field: Any = type(flag)._meta.get_field("follow_up")
    kinds = [value for value, _label in field.choices or []]
    if kind not in kinds:
        raise ValidationError("Choose what you did.")
    if kind == OTHER and not note.strip():
        raise ValidationError("Say briefly what you did.")
    with transaction.atomic():
        manager: Any = type(flag)._default_manager
        locked = manager.select_for_update().select_related("client").get(pk=flag.pk)
        if locked.followed_up_at is not None:
            raise ValidationError("A follow-up is already recorded for this flag.")
        locked.follow_up = kind
        locked.follow_up_note = note.strip()
        locked.followed_up_at = now
        locked.followed_up_by = actor if isinstance(actor, User) else None
        locked.save()
        audit_record(
            request=request,
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            target_type=target_type,
            target_uid=locked.uid,
            client_uid=locked.client.uid,
            summary=summary,
        )
    result: Flag = locked
    return result


def follow_up_posted(request: HttpRequest, form: forms.Form, record: Callable[..., object]) -> None:
    """Record a follow-up from the office's posted form, and say how it went in the messages.

    ``record`` is the kind's service (``kind``, ``note``, ``actor``, ``now`` and ``request`` are
    passed as keywords); its refusal, or the form's, is shown to the therapist.
    """
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return
    try:
        record(
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            actor=request.user,
            now=timezone.now(),
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Follow-up recorded. The flag stays on the record.")
