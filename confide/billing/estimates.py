"""Good Faith Estimates for self-pay clients (No Surprises Act, 45 CFR 149.610).

An estimate is due one business day after a session is scheduled 3 to 9 business days ahead,
three business days after one is scheduled 10 or more ahead, and three business days after the
client asks for one. It lists the services expected over up to twelve months with their codes
and fees; when what is expected changes (another service, another fee, more sessions than it
counted, or sessions past its end) a new one replaces it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.billing import codes, documents
from confide.billing.business_days import estimate_due, estimate_due_on_request
from confide.billing.charges import SERVICE_OF_KIND, FeeBook
from confide.billing.models import Account, BillingSettings, Estimate, Service
from confide.billing.statements import Facts, diagnoses_of
from confide.clients.models import Client
from confide.scheduling.models import Appointment

HORIZON_DAYS = 365
PREFIX = "GFE"


@dataclass(frozen=True)
class Item:
    service: str
    cpt: str
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents

    @property
    def label(self) -> str:
        return Service(self.service).label


@dataclass(frozen=True)
class Due:
    """An estimate the office owes: by when (None: no legal deadline yet) and why."""

    client: Client
    by: dt.date | None
    reason: str

    def late(self, today: dt.date) -> bool:
        return self.by is not None and self.by < today


def upcoming_sessions(clients: Any, now: dt.datetime) -> dict[int, list[Appointment]]:
    """Return, per client id, the billable sessions booked for the next twelve months.

    ``clients`` is a queryset of clients or a list of their ids.
    """
    rows = (
        Appointment.objects.filter(
            client__in=clients,
            status__in=[Appointment.Status.CONFIRMED, Appointment.Status.REQUESTED],
            start__gte=now,
            start__lt=now + dt.timedelta(days=HORIZON_DAYS),
            appointment_type__kind__in=list(SERVICE_OF_KIND),
        )
        .select_related("appointment_type", "clinician", "client")
        .order_by("start")
    )
    grouped: dict[int, list[Appointment]] = defaultdict(list)
    for row in rows:
        grouped[row.client_id].append(row)  # type: ignore[index]
    return grouped


def expected_items(
    client: Client, appointments: list[Appointment], book: FeeBook | None = None
) -> list[Item]:
    """Return what the scheduled sessions will cost, grouped by service, code and fee."""
    book = book or FeeBook([client.pk])
    counted: dict[tuple[str, str, int], int] = defaultdict(int)
    for appointment in appointments:
        service = SERVICE_OF_KIND[appointment.appointment_type.kind]
        minutes = int((appointment.end - appointment.start).total_seconds() // 60)
        coding = codes.coding_for(service, minutes, appointment.format)
        day = timezone.localtime(appointment.start, appointment.clinician.tz()).date()
        fee = book.fee(
            client_id=client.pk,
            clinician_id=appointment.clinician_id,
            service=service,
            on=day,
            appointment_type=appointment.appointment_type,
        )
        counted[(service, "+".join(coding.codes) if coding else "", fee)] += 1
    return [
        Item(service=service, cpt=cpt, quantity=quantity, unit_cents=fee)
        for (service, cpt, fee), quantity in sorted(counted.items())
    ]


def services_key(items: list[Item]) -> str:
    """Return a digest of what is expected, quantities aside (they are compared one by one)."""
    kinds = sorted({(i.service, i.cpt, i.unit_cents) for i in items})
    return hashlib.sha256(json.dumps(kinds).encode()).hexdigest()


def items_of(estimate: Estimate) -> list[Item]:
    return [Item(**row) for row in json.loads(estimate.items or "[]")]


def _covers(estimate: Estimate, items: list[Item], appointments: list[Appointment]) -> bool:
    """Return True when the estimate still describes the scheduled sessions."""
    if estimate.services_key != services_key(items) and not _subset(items, items_of(estimate)):
        return False
    estimated: dict[tuple[str, str, int], int] = defaultdict(int)
    for item in items_of(estimate):
        estimated[(item.service, item.cpt, item.unit_cents)] += item.quantity
    for item in items:
        if item.quantity > estimated[(item.service, item.cpt, item.unit_cents)]:
            return False
    last = max(timezone.localtime(a.start, a.clinician.tz()).date() for a in appointments)
    return last <= estimate.period_end


def _subset(items: list[Item], estimated: list[Item]) -> bool:
    kinds = {(i.service, i.cpt, i.unit_cents) for i in estimated}
    return all((i.service, i.cpt, i.unit_cents) in kinds for i in items)


def estimates_due(clients: QuerySet[Client], *, now: dt.datetime, today: dt.date) -> list[Due]:
    """Return the estimates owed to these clients, soonest deadline first.

    The number of queries does not grow with the number of clients or sessions.
    """
    if not BillingSettings.objects.filter(pk=1, enabled=True).exists():
        return []
    upcoming = upcoming_sessions(clients, now)
    requested = set(
        Account.objects.filter(client__in=clients, estimate_requested_on__isnull=False).values_list(
            "client_id", flat=True
        )
    )
    # Only clients with sessions booked or an estimate asked for can be owed one.
    ids = sorted(set(upcoming) | requested)
    chosen = list(Client.objects.filter(pk__in=ids))
    book = FeeBook(ids)
    accounts = {a.client_id: a for a in Account.objects.filter(client_id__in=ids)}
    current: dict[int, Estimate] = {}
    for estimate in Estimate.objects.filter(client_id__in=ids, replaced_by__isnull=True):
        current[estimate.client_id] = estimate
    result = []
    for client in chosen:
        account = accounts.get(client.pk)
        if account is not None and not account.self_pay:
            continue
        due = _due_for(client, account, current.get(client.pk), upcoming.get(client.pk, []), book)
        if due is not None:
            result.append(due)
    result.sort(key=lambda d: (d.by is None, d.by or today, d.client.display_name))
    return result


def _due_for(
    client: Client,
    account: Account | None,
    estimate: Estimate | None,
    appointments: list[Appointment],
    book: FeeBook,
) -> Due | None:
    requested = account.estimate_requested_on if account is not None else None
    if requested is not None and (estimate is None or estimate.issued_on < requested):
        return Due(client=client, by=estimate_due_on_request(requested), reason="requested")
    if not appointments:
        return None
    items = expected_items(client, appointments, book)
    if estimate is not None and _covers(estimate, items, appointments):
        return None
    deadlines = []
    for appointment in appointments:
        zone = appointment.clinician.tz()
        scheduled = timezone.localtime(appointment.created_at, zone).date()
        when = timezone.localtime(appointment.start, zone).date()
        if estimate is not None and estimate.issued_on >= scheduled and when <= estimate.period_end:
            continue
        deadline = estimate_due(scheduled, when)
        if deadline is not None:
            deadlines.append(deadline)
    by = min(deadlines) if deadlines else None
    return Due(client=client, by=by, reason="changed" if estimate is not None else "scheduled")


def estimate_issue(
    *,
    client: Client,
    quantities: dict[str, int] | None = None,
    actor: Any,
    now: dt.datetime,
    issued_on: dt.date,
    request: HttpRequest | None = None,
) -> Estimate:
    """Issue a Good Faith Estimate for the client's expected services; replace the current one.

    ``quantities`` raises the number of sessions expected per service over the year beyond those
    already scheduled (a weekly series booked a few weeks at a time, say).
    """
    appointments = upcoming_sessions([client.pk], now).get(client.pk, [])
    items = expected_items(client, appointments)
    if quantities:
        raised = []
        for item in items:
            wanted = max(item.quantity, quantities.get(item.service, 0))
            raised.append(Item(item.service, item.cpt, wanted, item.unit_cents))
        items = raised
    if not items:
        raise ValidationError(
            "Nothing is scheduled in the next twelve months; book the sessions first, "
            "so the estimate lists their services and fees."
        )
    facts = Facts([client.pk])
    diagnoses = diagnoses_of(facts.diagnoses.get(client.pk, []))
    pointers = "".join(d.pointer for d in diagnoses[:4])
    period_end = issued_on + dt.timedelta(days=HORIZON_DAYS - 1)
    clinician = appointments[0].clinician if appointments else client.clinician
    with transaction.atomic():
        account = Account.objects.select_for_update().get_or_create(client=client)[0]
        previous = (
            Estimate.objects.select_for_update()
            .filter(client=client, replaced_by__isnull=True)
            .first()
        )
        requested = account.estimate_requested_on is not None
        reason = (
            Estimate.Reason.CHANGED
            if previous is not None
            else Estimate.Reason.REQUESTED
            if requested
            else Estimate.Reason.SCHEDULED
        )
        (number,) = _numbers_for_estimates(issued_on)
        location = (
            "Telehealth"
            if facts.practice.online_only or not facts.practice.address.strip()
            else facts.practice.address.strip()
        )
        document = documents.Estimate(
            number=number,
            issued_on=issued_on,
            recipient=facts.recipient(client.pk),
            provider=facts.provider(clinician),
            location=location,
            diagnoses=diagnoses,
            items=tuple(
                documents.EstimateItem(
                    description=item.label,
                    cpt=item.cpt,
                    pointers=pointers if item.cpt else "",
                    quantity=item.quantity,
                    unit_cents=item.unit_cents,
                )
                for item in items
            ),
            period_start=issued_on,
            period_end=period_end,
            reason={
                Estimate.Reason.SCHEDULED: "scheduled",
                Estimate.Reason.REQUESTED: "requested",
                Estimate.Reason.CHANGED: "re-issued because the expected services changed",
            }[reason],
            replaces=previous.number if previous is not None else "",
        )
        pdf = documents.render_estimate(document)
        estimate = Estimate(
            client=client,
            number=number,
            issued_on=issued_on,
            period_start=issued_on,
            period_end=period_end,
            total_cents=sum(i.total_cents for i in items),
            sha256=hashlib.sha256(pdf).hexdigest(),
            reason=reason,
            services_key=services_key(items),
            created_by=actor,
        )
        estimate.items = json.dumps([i.__dict__ for i in items])
        estimate.pdf = pdf
        estimate.save()
        if previous is not None:
            previous.replaced_by = estimate
            previous.save(update_fields=["replaced_by"])
        if requested:
            account.estimate_requested_on = None
            account.save(update_fields=["estimate_requested_on"])
        audit_record(
            request=request,
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target_type="estimate",
            target_uid=estimate.uid,
            client_uid=client.uid,
            summary=f"issued good faith estimate {number}",
        )
    return estimate


def _numbers_for_estimates(issued_on: dt.date) -> list[str]:
    from confide.billing.models import Counter

    prefix = f"{PREFIX}-{issued_on.year}-"
    counter, _ = Counter.objects.select_for_update().get_or_create(prefix=prefix)
    counter.last += 1
    counter.save(update_fields=["last"])
    return [f"{prefix}{counter.last:04d}"]
