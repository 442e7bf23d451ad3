"""What can be booked with a clinician: adding, changing and switching off appointment types.

Saving through the model renews the open times' stamp after the commit (``open_times``), so the
public slots page shows the change; the change is announced for the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from confide.practice.events import field_labels, settings_changed_send
from confide.scheduling.models import AppointmentType


def _free_slug(appointment_type: AppointmentType) -> str:
    base = slugify(appointment_type.name)[:70] or "session"
    taken = AppointmentType.objects.filter(clinician=appointment_type.clinician)
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _announce(
    appointment_type: AppointmentType, *, action: str, summary: str, actor: Any, request: Any
) -> None:
    settings_changed_send(
        actor=actor,
        request=request,
        action=action,
        target_type="appointment type",
        target=f"appointment-type:{appointment_type.pk}",
        summary=summary,
    )


def appointment_type_save(
    *,
    appointment_type: AppointmentType,
    changed: Iterable[str] = (),
    actor: Any,
    request: HttpRequest | None,
) -> AppointmentType:
    """Add an appointment type, or save changes to one.

    A new type gets an address for the booking pages made from its name; an existing one keeps
    its own, so links people were sent go on working.
    """
    created = appointment_type.pk is None
    if created and not appointment_type.slug:
        appointment_type.slug = _free_slug(appointment_type)
    appointment_type.full_clean()
    with transaction.atomic():
        appointment_type.save()
        who = appointment_type.clinician.name
        fields = field_labels(AppointmentType, list(changed))
        _announce(
            appointment_type,
            action="create" if created else "change",
            summary=(
                f"added the appointment type {appointment_type.name} for {who}"
                if created
                else f"changed the appointment type {appointment_type.name} of {who}"
                + (f": {fields}" if fields else "")
            ),
            actor=actor,
            request=request,
        )
    return appointment_type


def appointment_type_deactivate(
    *, appointment_type: AppointmentType, actor: Any, request: HttpRequest | None
) -> AppointmentType:
    """Switch a type off: nobody can book it any more; appointments already made keep it."""
    return _set_active(appointment_type, False, actor=actor, request=request)


def appointment_type_reactivate(
    *, appointment_type: AppointmentType, actor: Any, request: HttpRequest | None
) -> AppointmentType:
    """Switch a type back on, bookable again as its booking mode says."""
    return _set_active(appointment_type, True, actor=actor, request=request)


def _set_active(
    appointment_type: AppointmentType, active: bool, *, actor: Any, request: Any
) -> AppointmentType:
    if appointment_type.active == active:
        return appointment_type
    with transaction.atomic():
        appointment_type.active = active
        appointment_type.save(update_fields=["active"])
        verb = "switched on" if active else "switched off"
        _announce(
            appointment_type,
            action="change",
            summary=f"{verb} the appointment type {appointment_type.name} of "
            f"{appointment_type.clinician.name}",
            actor=actor,
            request=request,
        )
    return appointment_type
