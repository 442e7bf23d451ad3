"""Invoices, statements and monthly superbills, issued as PDFs and kept exactly as issued.

Issuing locks the charges it lists: from then on they change only by adjustments. A month's
superbills for the whole practice are made in one pass whose number of queries does not grow with
the number of sessions (bench/superbills.py measures it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.billing import documents, icd10
from confide.billing.models import (
    Account,
    Adjustment,
    Allocation,
    BillingDetails,
    BillingSettings,
    Charge,
    ClinicianBilling,
    Counter,
    Diagnosis,
    Payment,
    Statement,
)
from confide.clients.models import Client, Person
from confide.practice.models import Clinician, Practice

PREFIX = {
    Statement.Kind.INVOICE: "INV",
    Statement.Kind.STATEMENT: "ST",
    Statement.Kind.SUPERBILL: "SB",
}
POINTERS = "ABCDEFGHIJKL"


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def provider_for(
    clinician: Clinician,
    *,
    practice: Practice,
    settings: BillingSettings,
    clinician_billing: ClinicianBilling | None,
) -> documents.Provider:
    npi = (clinician_billing.npi if clinician_billing else "") or settings.group_npi
    tax_id = (clinician_billing.tax_id if clinician_billing else "") or settings.tax_id
    return documents.Provider(
        practice_name=practice.name,
        clinician_name=clinician.name,
        credentials=clinician.credentials,
        license=f"{clinician.license_state} {clinician.credentials} {clinician.license_number}",
        npi=npi,
        tax_id=tax_id,
        address=practice.address.strip() or "Telehealth practice",
        phone=practice.phone,
    )


def recipient_for(person: Person | None, details: BillingDetails | None) -> documents.Recipient:
    values = details.values() if details else dict.fromkeys(BillingDetails.FIELDS, "")
    return documents.Recipient(
        name=values["legal_name"] or (person.name if person else ""),
        date_of_birth=details.date_of_birth() if details else None,
        address=values["address"],
        member_id=values["member_id"],
    )


def diagnoses_of(rows: Iterable[Diagnosis]) -> tuple[documents.Diagnosis, ...]:
    result = []
    for pointer, row in zip(POINTERS, rows, strict=False):
        code = row.code
        result.append(
            documents.Diagnosis(pointer=pointer, code=code, description=icd10.describe(code) or "")
        )
    return tuple(result)


class Facts:
    """Everything a set of clients' documents need, fetched in a fixed number of queries."""

    def __init__(self, client_ids: list[int]) -> None:
        self.practice = Practice.load()
        self.settings = BillingSettings.load()
        self.clinician_billing = {b.clinician_id: b for b in ClinicianBilling.objects.all()}
        self.accounts = {a.client_id: a for a in Account.objects.filter(client_id__in=client_ids)}
        self.people: dict[int, list[Person]] = defaultdict(list)
        for person in Person.objects.filter(client_id__in=client_ids).order_by("order", "pk"):
            self.people[person.client_id].append(person)
        self.details = {
            d.person_id: d for d in BillingDetails.objects.filter(person__client_id__in=client_ids)
        }
        self.diagnoses: dict[int, list[Diagnosis]] = defaultdict(list)
        for row in Diagnosis.objects.filter(client_id__in=client_ids).order_by("order", "pk"):
            self.diagnoses[row.client_id].append(row)

    def payer(self, client_id: int) -> Person | None:
        account = self.accounts.get(client_id)
        people = self.people.get(client_id, [])
        if account is not None and account.payer_id is not None:
            for person in people:
                if person.pk == account.payer_id:
                    return person
        return people[0] if people else None

    def recipient(self, client_id: int) -> documents.Recipient:
        person = self.payer(client_id)
        return recipient_for(person, self.details.get(person.pk) if person else None)

    def provider(self, clinician: Clinician) -> documents.Provider:
        return provider_for(
            clinician,
            practice=self.practice,
            settings=self.settings,
            clinician_billing=self.clinician_billing.get(clinician.pk),
        )


def _amounts(charge_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    adjusted = dict(
        Adjustment.objects.filter(charge_id__in=charge_ids)
        .values("charge_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("charge_id", "total")
    )
    paid = dict(
        Allocation.objects.filter(charge_id__in=charge_ids)
        .values("charge_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("charge_id", "total")
    )
    return adjusted, paid


def _line(charge: Charge, *, adjusted: int, paid: int, pointers: str) -> documents.Line:
    coding = charge.coding()
    units = len(coding.codes) if coding else 1
    return documents.Line(
        service_date=charge.service_date,
        description=charge.description(),
        cpt=coding.codes[0] if coding else "",
        modifier=(coding.modifier or "") if coding else "",
        place=coding.place if coding else "",
        pointers=pointers if coding else "",
        units=units,
        fee_cents=charge.fee_cents,
        paid_cents=paid,
        adjustments_cents=adjusted,
    )


def _coded_lines(
    charge: Charge, *, adjusted: int, paid: int, pointers: str
) -> list[documents.Line]:
    """Return a superbill's lines for one charge: one per code, add-ons with their units.

    The amounts stay on the first line, so the lines' totals equal the charge.
    """
    coding = charge.coding()
    if coding is None:
        return [_line(charge, adjusted=adjusted, paid=paid, pointers=pointers)]
    lines = []
    for index, (code, units) in enumerate(coding.line_items()):
        lines.append(
            documents.Line(
                service_date=charge.service_date,
                description=charge.description() if index == 0 else "Add-on time",
                cpt=code,
                modifier=coding.modifier or "",
                place=coding.place,
                pointers=pointers,
                units=units,
                fee_cents=charge.fee_cents if index == 0 else 0,
                paid_cents=paid if index == 0 else 0,
                adjustments_cents=adjusted if index == 0 else 0,
            )
        )
    return lines


def _store(
    *,
    kind: str,
    pairs: list[tuple[Client, documents.BillDocument, list[Charge]]],
    numbers: list[str],
    actor: Any,
    now: dt.datetime,
) -> list[Statement]:
    statements = []
    for (client, doc, _charges), number in zip(pairs, numbers, strict=True):
        pdf = documents.render_bill(doc)
        statement = Statement(
            client=client,
            kind=kind,
            number=number,
            issued_on=doc.issued_on,
            period_start=doc.period_start,
            period_end=doc.period_end,
            total_cents=sum(line.fee_cents + line.adjustments_cents for line in doc.lines),
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=actor,
        )
        statement.pdf = pdf
        statements.append(statement)
    Statement.objects.bulk_create(statements)
    # bulk_create on PostgreSQL returns primary keys; on SQLite too (RETURNING, 3.35+).
    through = Statement.charges.through
    through.objects.bulk_create(
        through(statement_id=statement.pk, charge_id=charge.pk)
        for statement, (_, _, charges) in zip(statements, pairs, strict=True)
        for charge in charges
    )
    charge_ids = [charge.pk for _, _, charges in pairs for charge in charges]
    Charge.objects.filter(pk__in=charge_ids, locked_at__isnull=True).update(locked_at=now)
    return statements


def _numbers(kind: str, issued_on: dt.date, count: int) -> list[str]:
    prefix = f"{PREFIX[Statement.Kind(kind)]}-{issued_on.year}-"
    counter, _ = Counter.objects.select_for_update().get_or_create(prefix=prefix)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{prefix}{n:04d}" for n in range(first, first + count)]


def superbills_issue(
    *,
    year: int,
    month: int,
    clients: Iterable[Client] | None = None,
    actor: Any,
    now: dt.datetime,
    issued_on: dt.date,
    request: HttpRequest | None = None,
) -> list[Statement]:
    """Issue one superbill per client with coded sessions in the month; return them."""
    start, end = month_bounds(year, month)
    charges_q = (
        Charge.objects.current()
        .filter(kind=Charge.Kind.SESSION, service_date__range=(start, end))
        .exclude(cpt="")
        .select_related("client", "clinician")
        .order_by("client_id", "service_date", "pk")
    )
    if clients is not None:
        charges_q = charges_q.filter(client__in=list(clients))
    charges = list(charges_q)
    by_client: dict[int, list[Charge]] = defaultdict(list)
    for charge in charges:
        by_client[charge.client_id].append(charge)
    facts = Facts(list(by_client))
    adjusted, paid = _amounts([c.pk for c in charges])
    pairs = []
    for client_charges in by_client.values():
        client = client_charges[0].client
        diagnoses = diagnoses_of(facts.diagnoses.get(client.pk, []))
        pointers = "".join(d.pointer for d in diagnoses[:4])
        lines: list[documents.Line] = []
        for charge in client_charges:
            lines += _coded_lines(
                charge,
                adjusted=adjusted.get(charge.pk, 0),
                paid=paid.get(charge.pk, 0),
                pointers=pointers,
            )
        doc = documents.BillDocument(
            kind="superbill",
            number="",
            issued_on=issued_on,
            period_start=start,
            period_end=end,
            provider=facts.provider(client_charges[0].clinician),
            recipient=facts.recipient(client.pk),
            diagnoses=diagnoses,
            lines=tuple(lines),
            note=facts.settings.statement_note,
        )
        pairs.append((client, doc, client_charges))
    if not pairs:
        return []
    with transaction.atomic():
        numbers = _numbers(Statement.Kind.SUPERBILL, issued_on, len(pairs))
        pairs = [
            (client, _numbered(doc, number), charges)
            for (client, doc, charges), number in zip(pairs, numbers, strict=True)
        ]
        statements = _store(
            kind=Statement.Kind.SUPERBILL, pairs=pairs, numbers=numbers, actor=actor, now=now
        )
        for statement in statements:
            _audit_issue(request, actor, statement)
    return statements


def _numbered(doc: documents.BillDocument, number: str) -> documents.BillDocument:
    import dataclasses

    return dataclasses.replace(doc, number=number)


def _audit_issue(request: HttpRequest | None, actor: Any, statement: Statement) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target_type=statement.kind,
        target_uid=statement.uid,
        client_uid=statement.client.uid,
        summary=f"issued {statement.get_kind_display().lower()} {statement.number}",
    )


def statement_issue(
    *,
    client: Client,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    actor: Any,
    now: dt.datetime,
    issued_on: dt.date,
    request: HttpRequest | None = None,
) -> Statement:
    """Issue an invoice, a statement or a superbill for one client and a date range."""
    kind = Statement.Kind(kind)
    if period_end < period_start:
        raise ValidationError("The period ends before it starts.")
    if kind == Statement.Kind.SUPERBILL:
        charges_q = Charge.objects.current().filter(kind=Charge.Kind.SESSION).exclude(cpt="")
    else:
        charges_q = Charge.objects.current()
    charges = list(
        charges_q.filter(client=client, service_date__range=(period_start, period_end))
        .select_related("clinician")
        .order_by("service_date", "pk")
    )
    adjusted, paid = _amounts([c.pk for c in charges])
    if kind == Statement.Kind.INVOICE:
        charges = [
            c for c in charges if c.fee_cents + adjusted.get(c.pk, 0) - paid.get(c.pk, 0) > 0
        ]
    if not charges and kind != Statement.Kind.STATEMENT:
        raise ValidationError("There is nothing to put on it in that period.")
    facts = Facts([client.pk])
    diagnoses = diagnoses_of(facts.diagnoses.get(client.pk, [])) if kind == "superbill" else ()
    pointers = "".join(d.pointer for d in diagnoses[:4])
    lines: list[documents.Line] = []
    for charge in charges:
        builder = _coded_lines if kind == Statement.Kind.SUPERBILL else _line
        built = builder(
            charge,
            adjusted=adjusted.get(charge.pk, 0),
            paid=paid.get(charge.pk, 0),
            pointers=pointers,
        )
        lines += built if isinstance(built, list) else [built]
    payments: tuple[documents.Payment, ...] = ()
    opening = 0
    if kind == Statement.Kind.STATEMENT:
        payments = tuple(
            documents.Payment(
                date=p.received_on,
                method=p.get_method_display()
                if p.kind == Payment.Kind.PAYMENT
                else f"Refund ({p.get_method_display()})",
                reference=p.reference,
                amount_cents=p.signed_cents,
            )
            for p in Payment.objects.filter(
                client=client, received_on__range=(period_start, period_end)
            )
        )
        opening = _balance_before(client, period_start)
    clinician = charges[0].clinician if charges else client.clinician
    with transaction.atomic():
        (number,) = _numbers(kind, issued_on, 1)
        doc = documents.BillDocument(
            kind=kind.value,  # type: ignore[arg-type]
            number=number,
            issued_on=issued_on,
            period_start=period_start,
            period_end=period_end,
            provider=facts.provider(clinician),
            recipient=facts.recipient(client.pk),
            diagnoses=diagnoses,
            lines=tuple(lines),
            payments=payments,
            opening_balance_cents=opening,
            note=facts.settings.statement_note,
        )
        (statement,) = _store(
            kind=kind, pairs=[(client, doc, charges)], numbers=[number], actor=actor, now=now
        )
        _audit_issue(request, actor, statement)
    return statement


def _balance_before(client: Client, day: dt.date) -> int:
    before = Charge.objects.filter(client=client, service_date__lt=day)
    fees = before.aggregate(t=Sum("fee_cents"))["t"] or 0
    adjusted = (
        Adjustment.objects.filter(charge__in=before).aggregate(t=Sum("amount_cents"))["t"] or 0
    )
    paid = sum(p.signed_cents for p in Payment.objects.filter(client=client, received_on__lt=day))
    return fees + adjusted - paid
