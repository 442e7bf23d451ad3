"""Charges made from what happened to sessions, at the fee in force on the date of service.

Listens to the scheduling core: every change of an appointment (an outcome recorded, corrected
or undone, an office cancellation) brings its charge in line with its outcome, in the same
transaction. A signed progress note gives the actual service, minutes and format, so the codes
follow what took place rather than what was booked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from confide.billing import codes, ledger
from confide.billing.models import (
    Adjustment,
    BillingSettings,
    Charge,
    ClientFee,
    Fee,
    FeePolicy,
    Service,
)
from confide.clients.models import Client, ClinicalNote
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType

Outcome = Appointment.Outcome

# What a booked session is, until its progress note says otherwise. A free consultation is
# never charged, whatever happens to it.
SERVICE_OF_KIND: dict[str, str] = {
    AppointmentType.Kind.FIRST: Service.ASSESSMENT,
    AppointmentType.Kind.INDIVIDUAL: Service.INDIVIDUAL,
    AppointmentType.Kind.COUPLES: Service.COUPLES_WITH_CLIENT,
}


def cents(amount: Decimal | None) -> int | None:
    """Return a Decimal dollar amount in whole cents, or None for no amount."""
    return None if amount is None else int((amount * 100).to_integral_value())


class FeeBook:
    """The fees that apply to some clients, read once so that pricing many sessions is cheap."""

    def __init__(self, client_ids: list[int]) -> None:
        self.own: dict[int, list[ClientFee]] = {}
        for fee in ClientFee.objects.filter(client_id__in=client_ids).order_by("-starts_on", "-pk"):
            self.own.setdefault(fee.client_id, []).append(fee)
        self.standard: dict[tuple[int, str], list[Fee]] = {}
        for row in Fee.objects.order_by("-starts_on"):
            self.standard.setdefault((row.clinician_id, row.service), []).append(row)

    def fee(
        self,
        *,
        client_id: int,
        clinician_id: int,
        service: str,
        on: dt.date,
        appointment_type: AppointmentType | None = None,
    ) -> int:
        """Return the fee in cents for a service on a date.

        In order: the client's own fee for that service, then for every service (a sliding
        scale), the clinician's fee for the service, then the fee the appointment type shows,
        then 0.
        """
        own = [f for f in self.own.get(client_id, []) if f.starts_on <= on]
        for wanted in (service, ""):
            for fee in own:
                if fee.service == wanted:
                    return fee.amount_cents
        for row in self.standard.get((clinician_id, service), []):
            if row.starts_on <= on:
                return row.amount_cents
        shown = cents(appointment_type.fee) if appointment_type is not None else None
        return shown or 0


def fee_for(
    *,
    client: Client,
    clinician: Clinician,
    service: str,
    on: dt.date,
    appointment_type: AppointmentType | None = None,
) -> int:
    """Return the fee in cents for one client's service on a date (see ``FeeBook.fee``)."""
    return FeeBook([client.pk]).fee(
        client_id=client.pk,
        clinician_id=clinician.pk,
        service=service,
        on=on,
        appointment_type=appointment_type,
    )


def _signed_note(appointment: Appointment) -> ClinicalNote | None:
    return (
        ClinicalNote.objects.filter(
            appointment=appointment,
            kind=ClinicalNote.Kind.PROGRESS,
            signed_at__isnull=False,
        )
        .exclude(service="")
        .order_by("-signed_at")
        .first()
    )


def _wanted(appointment: Appointment, settings: BillingSettings) -> dict[str, Any] | None:
    """Return the fields the appointment's current charge should have, or None for no charge."""
    if not settings.enabled or appointment.client_id is None or not appointment.outcome:
        return None
    booked_service = SERVICE_OF_KIND.get(appointment.appointment_type.kind)
    if booked_service is None:
        return None
    zone = appointment.clinician.tz()
    day = timezone.localtime(appointment.start, zone).date()
    minutes = int((appointment.end - appointment.start).total_seconds() // 60)
    service, format_ = booked_service, appointment.format
    if appointment.outcome == Outcome.ATTENDED:
        note = _signed_note(appointment)
        if note is not None and note.service in Service.values:
            service = note.service
            minutes = note.minutes if note.minutes is not None else minutes
            format_ = note.format or format_
            day = note.service_date or day
    full_fee = fee_for(
        client=appointment.client,  # type: ignore[arg-type]
        clinician=appointment.clinician,
        service=service,
        on=day,
        appointment_type=appointment.appointment_type,
    )
    base = {
        "client_id": appointment.client_id,
        "clinician_id": appointment.clinician_id,
        "service_date": day,
        "service": service,
        "minutes": minutes,
        "format": format_,
    }
    if appointment.outcome == Outcome.ATTENDED:
        coding = codes.coding_for(service, minutes, format_)
        return base | {
            "kind": Charge.Kind.SESSION,
            "fee_cents": full_fee,
            "cpt": "+".join(coding.codes) if coding else "",
            "modifier": (coding.modifier or "") if coding else "",
            "place": coding.place if coding else "",
        }
    policies = {
        Outcome.LATE_CANCEL: (
            Charge.Kind.LATE_CANCEL,
            settings.late_cancel_policy,
            settings.late_cancel_cents,
        ),
        Outcome.NO_SHOW: (Charge.Kind.NO_SHOW, settings.no_show_policy, settings.no_show_cents),
    }
    if appointment.outcome not in policies:
        return None
    kind, policy, flat = policies[Outcome(appointment.outcome)]
    if policy == FeePolicy.NONE:
        return None
    amount = flat if policy == FeePolicy.FLAT else full_fee
    if amount <= 0:
        return None
    return base | {"kind": kind, "fee_cents": amount, "cpt": "", "modifier": "", "place": ""}


def charge_sync(*, appointment: Appointment, now: dt.datetime, actor: Any = None) -> Charge | None:
    """Bring the appointment's charge in line with its outcome; return the current charge.

    A charge not yet on any issued document follows the session freely. One that was issued
    is never edited: a reversal adjustment takes it back to zero and a new charge replaces it.
    """
    settings = BillingSettings.load()
    with transaction.atomic():
        current = (
            Charge.objects.select_for_update().filter(appointment=appointment).current().first()
        )
        wanted = _wanted(appointment, settings)
        if current is not None and wanted is not None and current.kind == wanted["kind"]:
            if current.locked_at is None:
                changed = [k for k, v in wanted.items() if getattr(current, k) != v]
                if changed:
                    for key in changed:
                        setattr(current, key, wanted[key])
                    current.save(update_fields=changed)
                    ledger.rebuild(client_id=current.client_id)
            return current
        if current is not None:
            _take_back(current, now=now, actor=actor)
        charge = None
        if wanted is not None:
            charge = Charge.objects.create(appointment=appointment, created_by=actor, **wanted)
        touched = charge or current
        if touched is not None:
            ledger.rebuild(client_id=touched.client_id)
        return charge


def _take_back(charge: Charge, *, now: dt.datetime, actor: Any) -> None:
    """Remove a charge the outcome no longer supports, or reverse it if it was issued."""
    if charge.locked_at is None:
        charge.delete()
        return
    total = charge.fee_cents + sum(a.amount_cents for a in charge.adjustments.all())
    if total:
        adjustment = Adjustment(
            charge=charge, kind=Adjustment.Kind.REVERSAL, amount_cents=-total, made_by=actor
        )
        adjustment.reason = "The session's outcome changed after this charge was issued."
        adjustment.save()
    charge.replaced_at = now
    charge.save(update_fields=["replaced_at"])


def on_appointment_changed(
    sender: Any, *, appointment: Appointment, actor: Any = None, **kwargs: Any
) -> None:
    """Keep the charge of a changed appointment in line with it (a scheduling signal)."""
    if appointment.client_id is None:
        return
    if not BillingSettings.objects.filter(pk=1, enabled=True).exists() and not (
        Charge.objects.filter(appointment=appointment).exists()
    ):
        return
    charge_sync(appointment=appointment, now=timezone.now(), actor=actor)


def on_note_signed(sender: Any, *, note: ClinicalNote, **kwargs: Any) -> None:
    """Let a signed progress note's service, minutes and format decide its session's codes."""
    if note.appointment_id is None or note.kind != ClinicalNote.Kind.PROGRESS:
        return
    if not Charge.objects.filter(appointment_id=note.appointment_id).current().exists():
        return
    appointment = Appointment.objects.select_related("clinician", "appointment_type", "client").get(
        pk=note.appointment_id
    )
    charge_sync(appointment=appointment, now=timezone.now(), actor=None)
