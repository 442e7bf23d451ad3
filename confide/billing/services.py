"""Every write of billing: fees, accounts, billing details, diagnoses, payments, adjustments.

Each is one transaction, checks before it saves, and leaves an audit event that says what was
done (amounts and dates, never a reason's text or a diagnosis).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.billing import icd10, ledger
from confide.billing.models import (
    Account,
    Adjustment,
    BillingDetails,
    BillingSettings,
    Charge,
    ClientFee,
    ClinicianBilling,
    Diagnosis,
    Fee,
    Payment,
)
from confide.clients.models import Client, Person
from confide.practice.models import Clinician

A = AuditEvent.Action
MAX_DIAGNOSES = 12  # a superbill's pointers run A to L


# A fixed identity in the audit log for the practice's billing settings and fee schedule.
_SETTINGS_UID = uuid.UUID("00000000-0000-4000-8000-00000000b111")


def money_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _audit(
    request: HttpRequest | None,
    actor: Any,
    action: str,
    target_type: str,
    target: Any,
    client: Client | None,
    summary: str,
) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=action,
        target_type=target_type,
        target_uid=target.uid,
        client_uid=client.uid if client is not None else None,
        summary=summary,
    )


def billing_settings_save(
    *, settings: BillingSettings, actor: Any, request: HttpRequest | None = None
) -> BillingSettings:
    """Save the practice's billing settings (already validated by their form)."""
    with transaction.atomic():
        settings.save()
        audit_record(
            request=request,
            actor=actor,
            action=A.CHANGE,
            target_type="billing settings",
            target_uid=_SETTINGS_UID,
            client_uid=None,
            summary="changed the billing settings",
        )
    return settings


def clinician_billing_save(
    *, clinician: Clinician, npi: str, tax_id: str, actor: Any, request: HttpRequest | None = None
) -> ClinicianBilling:
    with transaction.atomic():
        billing, _ = ClinicianBilling.objects.get_or_create(clinician=clinician)
        billing.npi, billing.tax_id = npi, tax_id
        billing.full_clean()
        billing.save()
        audit_record(
            request=request,
            actor=actor,
            action=A.CHANGE,
            target_type="clinician billing",
            target_uid=_SETTINGS_UID,
            client_uid=None,
            summary=f"changed the NPI or tax ID of {clinician.name}",
        )
    return billing


def fee_set(
    *,
    clinician: Clinician,
    service: str,
    amount_cents: int,
    starts_on: dt.date,
    actor: Any,
    request: HttpRequest | None = None,
) -> Fee:
    """Set a clinician's fee for a service from a date on (replacing one set for that date)."""
    if amount_cents < 0:
        raise ValidationError("A fee cannot be negative.")
    with transaction.atomic():
        fee, _ = Fee.objects.update_or_create(
            clinician=clinician,
            service=service,
            starts_on=starts_on,
            defaults={"amount_cents": amount_cents, "created_by": actor},
        )
        audit_record(
            request=request,
            actor=actor,
            action=A.CHANGE,
            target_type="fee",
            target_uid=_SETTINGS_UID,
            client_uid=None,
            summary=f"set {clinician.name}'s fee for {fee.get_service_display().lower()} "
            f"to {money_text(amount_cents)} from {starts_on:%Y-%m-%d}",
        )
    return fee


def client_fee_add(
    *,
    client: Client,
    service: str,
    amount_cents: int,
    starts_on: dt.date,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> ClientFee:
    """Agree a fee with one client (a sliding scale) from a date on; the reason is required."""
    if amount_cents < 0:
        raise ValidationError("A fee cannot be negative.")
    if not reason.strip():
        raise ValidationError("Say why this client's fee differs, for the record.")
    with transaction.atomic():
        fee = ClientFee(
            client=client,
            service=service,
            amount_cents=amount_cents,
            starts_on=starts_on,
            created_by=actor,
        )
        fee.reason = reason.strip()
        fee.save()
        _audit(
            request,
            actor,
            A.CREATE,
            "client fee",
            fee,
            client,
            f"agreed a fee of {money_text(amount_cents)} from {starts_on:%Y-%m-%d}",
        )
    return fee


def account_for(client: Client) -> Account:
    """Return the client's account, made on first use with the first person as payer."""
    account, created = Account.objects.get_or_create(client=client)
    if created or account.payer_id is None:
        first = client.people.order_by("order", "pk").first()
        if first is not None:
            account.payer = first
            account.save(update_fields=["payer"])
    return account


def account_update(
    *,
    client: Client,
    payer: Person | None,
    self_pay: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> Account:
    if payer is not None and payer.client_id != client.pk:
        raise ValidationError("The payer must be one of this client's people.")
    with transaction.atomic():
        account = account_for(client)
        account.payer, account.self_pay = payer, self_pay
        account.save(update_fields=["payer", "self_pay"])
        _audit(request, actor, A.CHANGE, "account", client, client, "changed who pays")
    return account


def estimate_request_record(
    *, client: Client, on: dt.date, actor: Any, request: HttpRequest | None = None
) -> Account:
    """Record that the client asked for a Good Faith Estimate (due 3 business days later)."""
    with transaction.atomic():
        account = account_for(client)
        account.estimate_requested_on = on
        account.save(update_fields=["estimate_requested_on"])
        _audit(
            request, actor, A.CHANGE, "account", client, client, "asked for a good faith estimate"
        )
    return account


def billing_details_set(
    *,
    person: Person,
    legal_name: str,
    date_of_birth: dt.date | None,
    address: str,
    member_id: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> BillingDetails:
    """Keep what a superbill needs about a person, sealed."""
    with transaction.atomic():
        details, _ = BillingDetails.objects.get_or_create(person=person)
        details.values_set(
            legal_name=legal_name.strip(),
            date_of_birth=date_of_birth.isoformat() if date_of_birth else "",
            address=address.strip(),
            member_id=member_id.strip(),
        )
        details.save()
        _audit(
            request, actor, A.CHANGE, "billing details", details, person.client,
            "changed billing details",
        )  # fmt: skip
    return details


def diagnosis_add(
    *, client: Client, code: str, actor: Any, request: HttpRequest | None = None
) -> Diagnosis:
    """Add an ICD-10-CM code at the end of the client's list; it must be a billable code."""
    code = code.strip().upper()
    if icd10.describe(code) is None:
        raise ValidationError(f"{code or 'That'} is not a billable ICD-10-CM code; search for it.")
    with transaction.atomic():
        existing = list(Diagnosis.objects.select_for_update().filter(client=client))
        if any(d.code == code for d in existing):
            raise ValidationError(f"{code} is already on the list.")
        if len(existing) >= MAX_DIAGNOSES:
            raise ValidationError("A superbill holds twelve diagnoses; remove one first.")
        last = max((d.order for d in existing), default=-1)
        diagnosis = Diagnosis(client=client, order=last + 1, added_by=actor)
        diagnosis.code = code
        diagnosis.save()
        _audit(request, actor, A.CREATE, "diagnosis", diagnosis, client, "added a diagnosis")
    return diagnosis


def diagnosis_remove(
    *, diagnosis: Diagnosis, actor: Any, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        _audit(
            request, actor, A.DELETE, "diagnosis", diagnosis, diagnosis.client,
            "removed a diagnosis",
        )  # fmt: skip
        diagnosis.delete()


def diagnosis_move(
    *, diagnosis: Diagnosis, up: bool, actor: Any, request: HttpRequest | None = None
) -> None:
    """Swap a diagnosis with its neighbour, so the first listed is the primary one."""
    with transaction.atomic():
        ordered = list(
            Diagnosis.objects.select_for_update()
            .filter(client_id=diagnosis.client_id)
            .order_by("order", "pk")
        )
        index = next(i for i, d in enumerate(ordered) if d.pk == diagnosis.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            if item.order != position:
                item.order = position
                item.save(update_fields=["order"])
        _audit(
            request, actor, A.CHANGE, "diagnosis", diagnosis, diagnosis.client,
            "reordered the diagnoses",
        )  # fmt: skip


def payment_record(
    *,
    client: Client,
    kind: str,
    received_on: dt.date,
    amount_cents: int,
    method: str,
    reference: str = "",
    actor: Any,
    today: dt.date,
    request: HttpRequest | None = None,
) -> Payment:
    """Record money received (or refunded) elsewhere, and allocate it to the oldest charges."""
    if amount_cents <= 0:
        raise ValidationError("Enter an amount above zero.")
    if received_on > today:
        raise ValidationError("A payment cannot be recorded for a day still to come.")
    with transaction.atomic():
        account_for(client)
        Account.objects.select_for_update().get(client=client)
        if kind == Payment.Kind.REFUND:
            credit = ledger.balance_of(client_id=client.pk).credit_cents
            if amount_cents > credit:
                raise ValidationError(
                    f"A refund can give back only the client's credit ({money_text(credit)})."
                    " Lower or write off a charge first if money is owed back for it."
                )
        payment = Payment.objects.create(
            client=client,
            kind=kind,
            received_on=received_on,
            amount_cents=amount_cents,
            method=method,
            reference=reference.strip(),
            recorded_by=actor,
        )
        ledger.rebuild(client_id=client.pk)
        _audit(
            request,
            actor,
            A.CREATE,
            "payment",
            payment,
            client,
            f"recorded a {payment.get_kind_display().lower()} of {money_text(amount_cents)}",
        )
    return payment


def charge_adjust(
    *,
    charge: Charge,
    amount_cents: int,
    reason: str,
    kind: str = Adjustment.Kind.ADJUSTMENT,
    actor: Any,
    request: HttpRequest | None = None,
) -> Adjustment:
    """Change a charge's amount by ``amount_cents`` (negative lowers it), with a reason.

    A write-off lowers the charge by at most what is still open on it. No adjustment may take
    a charge below zero.
    """
    if not reason.strip():
        raise ValidationError("Give the reason for the change; it is kept with the charge.")
    if amount_cents == 0:
        raise ValidationError("Enter an amount other than zero.")
    with transaction.atomic():
        locked = Charge.objects.select_for_update().get(pk=charge.pk)
        if locked.replaced_at is not None:
            raise ValidationError(
                "This charge was replaced when the session's outcome changed; adjust the new one."
            )
        adjusted = sum(a.amount_cents for a in locked.adjustments.all())
        total = locked.fee_cents + adjusted
        if total + amount_cents < 0:
            raise ValidationError(
                f"That would take the charge below zero (it stands at {money_text(total)})."
            )
        if kind == Adjustment.Kind.WRITE_OFF:
            open_ = ledger.open_cents(locked)
            if amount_cents > 0 or -amount_cents > open_:
                raise ValidationError(
                    f"A write-off can forgive at most what is open ({money_text(open_)})."
                )
        adjustment = Adjustment(charge=locked, kind=kind, amount_cents=amount_cents, made_by=actor)
        adjustment.reason = reason.strip()
        adjustment.save()
        ledger.rebuild(client_id=locked.client_id)
        _audit(
            request,
            actor,
            A.CHANGE,
            "charge",
            locked,
            locked.client,
            f"{adjustment.get_kind_display().lower()} of {money_text(amount_cents)} "
            f"on the charge of {locked.service_date:%Y-%m-%d}",
        )
    return adjustment


def next_number(prefix: str) -> str:
    """Return the next document number for a prefix such as "SB-2026-" (caller's transaction)."""
    from confide.billing.models import Counter

    counter, _ = Counter.objects.select_for_update().get_or_create(prefix=prefix)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:04d}"
