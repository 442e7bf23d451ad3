"""The office's money pages: balances, fees, a client's account, documents and exports.

Every staff role may open them within its scope; a practice manager sees fees, charges and
payments of the whole practice and never a note or a diagnosis, a clinician only their own
clients' money. Writes are services (confide/billing/services.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import (
    ALL_ROLES,
    CLINICAL_ROLES,
    clinical_access,
    clinician_scope,
    office_view,
)
from confide.accounts.models import StaffProfile
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.billing import estimates, icd10, ledger, services, statements
from confide.billing.access import charge_for, diagnosis_for, estimate_for, statement_for
from confide.billing.forms import (
    AccountForm,
    AdjustmentForm,
    BillingDetailsForm,
    BillingSettingsForm,
    ClientFeeForm,
    ClinicianBillingForm,
    EstimateForm,
    ExportForm,
    FeeForm,
    MonthForm,
    PaymentForm,
    PeriodForm,
)
from confide.billing.models import (
    BillingDetails,
    BillingSettings,
    Charge,
    ClientFee,
    ClinicianBilling,
    Diagnosis,
    Estimate,
    Fee,
    Payment,
    Statement,
)
from confide.clients.access import client_for
from confide.clients.models import Client, Person
from confide.office.document_notice import document_ready_tell
from confide.practice.models import Clinician, Practice

Role = StaffProfile.Role
MONEY_ADMIN_ROLES = frozenset({Role.OWNER, Role.PRACTICE_MANAGER})


def _today() -> dt.date:
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(Practice.load().time_zone)).date()


def _problem(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _client_billing_url(client: Client) -> str:
    return reverse("office:client_billing", args=[client.uid])


def _clients_in_scope(user: Any) -> Any:
    return Client.objects.visible_to(user)


# The overview -----------------------------------------------------------------------------


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def billing_home(request: HttpRequest) -> HttpResponse:
    settings = BillingSettings.load()
    today = _today()
    clients = _clients_in_scope(request.user)
    charged = dict(
        Charge.objects.filter(client__in=clients)
        .values("client_id")
        .annotate(t=Sum("fee_cents"))
        .values_list("client_id", "t")
    )
    adjusted = dict(
        Charge.objects.filter(client__in=clients, adjustments__isnull=False)
        .values("client_id")
        .annotate(t=Sum("adjustments__amount_cents"))
        .values_list("client_id", "t")
    )
    paid: dict[int, int] = {}
    for client_id, kind, amount in Payment.objects.filter(client__in=clients).values_list(
        "client_id", "kind", "amount_cents"
    ):
        paid[client_id] = paid.get(client_id, 0) + (
            amount if kind == Payment.Kind.PAYMENT else -amount
        )
    ids = set(charged) | set(paid)
    names = dict(Client.objects.filter(pk__in=ids).values_list("pk", "display_name"))
    uids = dict(Client.objects.filter(pk__in=ids).values_list("pk", "uid"))
    balances = sorted(
        (
            {
                "name": names[pk],
                "uid": uids[pk],
                "due": charged.get(pk, 0) + adjusted.get(pk, 0) - paid.get(pk, 0),
            }
            for pk in ids
        ),
        key=lambda row: (-row["due"], row["name"]),
    )
    balances = [row for row in balances if row["due"]]
    due = estimates.estimates_due(clients, now=timezone.now(), today=today)
    first_of_month = today.replace(day=1)
    last_month = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    context = {
        "settings": settings,
        "balances": balances,
        "total_due": sum(row["due"] for row in balances if row["due"] > 0),
        "estimates_due": due,
        "today": today,
        "month_form": MonthForm(initial={"month": f"{last_month:%Y-%m}"}),
        "export_form": ExportForm(initial={"start": first_of_month, "end": today}),
        "recent_superbills": Statement.objects.visible_to(request.user)
        .filter(kind=Statement.Kind.SUPERBILL)
        .select_related("client")[:20],
        "may_administer": request.staff_role in MONEY_ADMIN_ROLES,  # type: ignore[attr-defined]
        "nav": "billing",
    }
    return render(request, "office/billing/home.html", context)


@office_view(roles=MONEY_ADMIN_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def billing_settings(request: HttpRequest) -> HttpResponse:
    settings = BillingSettings.load()
    form = BillingSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        services.billing_settings_save(settings=form.save(commit=False), actor=request.user,
                                       request=request)  # fmt: skip
        messages.success(request, "Billing settings saved.")
        return redirect("office:billing")
    clinicians = list(Clinician.objects.all())
    billing = {b.clinician_id: b for b in ClinicianBilling.objects.all()}
    rows = [
        {
            "clinician": clinician,
            "form": ClinicianBillingForm(
                prefix=f"c{clinician.pk}",
                initial={
                    "npi": billing[clinician.pk].npi if clinician.pk in billing else "",
                    "tax_id": billing[clinician.pk].tax_id if clinician.pk in billing else "",
                },
            ),
        }
        for clinician in clinicians
    ]
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "rows": rows, "nav": "billing"}
    return render(request, "office/billing/settings.html", context, status=status)


@office_view(roles=MONEY_ADMIN_ROLES)
@require_POST
def clinician_billing(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = get_object_or_404(Clinician, pk=pk)
    form = ClinicianBillingForm(request.POST, prefix=f"c{clinician.pk}")
    if form.is_valid():
        services.clinician_billing_save(
            clinician=clinician,
            npi=form.cleaned_data["npi"],
            tax_id=form.cleaned_data["tax_id"],
            actor=request.user,
            request=request,
        )
        messages.success(request, f"Saved {clinician.name}'s NPI and tax ID.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{clinician.name}, {label}: {' '.join(map(str, errors))}")
    return redirect("office:billing_settings")


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def fees(request: HttpRequest) -> HttpResponse:
    scope = clinician_scope(request.user)
    clinicians = Clinician.objects.all() if scope is None else Clinician.objects.filter(pk=scope.pk)
    may_set = request.staff_role in MONEY_ADMIN_ROLES  # type: ignore[attr-defined]
    form = FeeForm(
        request.POST or None,
        clinicians=clinicians,
        initial={"starts_on": _today()},
    )
    if request.method == "POST":
        if not may_set:
            messages.error(request, "Fees are set by the owner or the practice manager.")
            return redirect("office:fees")
        if form.is_valid():
            data = form.cleaned_data
            services.fee_set(
                clinician=data["clinician"],
                service=data["service"],
                amount_cents=data["amount"],
                starts_on=data["starts_on"],
                actor=request.user,
                request=request,
            )
            messages.success(request, "Fee saved.")
            return redirect("office:fees")
    table = []
    for clinician in clinicians:
        rows = Fee.objects.filter(clinician=clinician).order_by("service", "-starts_on")
        table.append({"clinician": clinician, "fees": list(rows)})
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "table": table, "may_set": may_set, "today": _today(),
               "nav": "billing"}  # fmt: skip
    return render(request, "office/billing/fees.html", context, status=status)


# One client's account ---------------------------------------------------------------------


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def client_billing(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    settings = BillingSettings.load()
    account = services.account_for(client)
    people = list(client.people.all())
    details = {d.person_id: d for d in BillingDetails.objects.filter(person__in=people)}
    charges = list(
        Charge.objects.filter(client=client)
        .with_amounts()
        .prefetch_related("adjustments")
        .order_by("-service_date", "-pk")
    )
    for charge in charges:
        charge.amount = charge.fee_cents + charge.adjusted_cents  # type: ignore[attr-defined]
        charge.open = charge.amount - charge.paid_cents  # type: ignore[attr-defined]
    today = _today()
    clinical = clinical_access(request.user)
    diagnoses = list(Diagnosis.objects.filter(client=client)) if clinical else []
    upcoming = estimates.upcoming_sessions([client.pk], timezone.now()).get(client.pk, [])
    items = estimates.expected_items(client, upcoming)
    due = estimates.estimates_due(
        Client.objects.filter(pk=client.pk), now=timezone.now(), today=today
    )
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        target_type="account",
        target_uid=client.uid,
        client_uid=client.uid,
        summary="opened the billing account",
    )
    context = {
        "client": client,
        "settings": settings,
        "account": account,
        "balance": ledger.balance_of(client_id=client.pk),
        "people": [
            {"person": p, "missing": details[p.pk].missing() if p.pk in details else None}
            for p in people
        ],
        "charges": charges,
        "payments": list(Payment.objects.filter(client=client).order_by("-received_on", "-pk")),
        "client_fees": list(ClientFee.objects.filter(client=client)),
        "statements": list(Statement.objects.filter(client=client)),
        "estimates": list(Estimate.objects.filter(client=client)),
        "estimate_due": due[0] if due else None,
        "expected_items": items,
        "estimate_form": EstimateForm(services=[(i.service, i.label, i.quantity) for i in items]),
        "diagnoses": [(d, icd10.describe(d.code)) for d in diagnoses],
        "clinical": clinical,
        "payment_form": PaymentForm(initial={"received_on": today}),
        "account_form": AccountForm(
            people=client.people.all(),
            initial={"payer": account.payer_id, "self_pay": account.self_pay},
        ),
        "fee_form": ClientFeeForm(initial={"starts_on": today}),
        "period_form": PeriodForm(
            initial={"start": today.replace(day=1), "end": today, "kind": "statement"}
        ),
        "today": today,
        "nav": "clients",
    }
    return render(request, "office/billing/client.html", context)


def _post_form(
    request: HttpRequest,
    client: Client,
    form: Any,
    action: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Validate a small form posted from the account page, run it, and go back to the page."""
    if form.is_valid():
        try:
            messages.success(request, action(form.cleaned_data))
        except ValidationError as error:
            _problem(request, error)
    else:
        for field, errors in form.errors.items():
            label = (
                form.fields[field].label or field.replace("_", " ").capitalize()
                if field in form.fields
                else ""
            )
            text = " ".join(map(str, errors))
            messages.error(request, f"{label}: {text}" if label else text)
    return redirect(_client_billing_url(client))


@office_view(roles=ALL_ROLES)
@require_POST
def payment_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)

    def record(data: dict[str, Any]) -> str:
        payment = services.payment_record(
            client=client,
            kind=data["kind"],
            received_on=data["received_on"],
            amount_cents=data["amount"],
            method=data["method"],
            reference=data["reference"],
            actor=request.user,
            today=_today(),
            request=request,
        )
        return f"{payment.get_kind_display()} of {services.money_text(data['amount'])} recorded."

    return _post_form(request, client, PaymentForm(request.POST), record)


@office_view(roles=ALL_ROLES)
@require_POST
def account_edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)

    def save(data: dict[str, Any]) -> str:
        services.account_update(
            client=client,
            payer=data["payer"],
            self_pay=data["self_pay"],
            actor=request.user,
            request=request,
        )
        return "Saved who pays."

    return _post_form(request, client, AccountForm(request.POST, people=client.people.all()), save)


@office_view(roles=ALL_ROLES)
@require_POST
def client_fee_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)

    def add(data: dict[str, Any]) -> str:
        services.client_fee_add(
            client=client,
            service=data["service"],
            amount_cents=data["amount"],
            starts_on=data["starts_on"],
            reason=data["reason"],
            actor=request.user,
            request=request,
        )
        return "The client's fee is saved; sessions from that date are charged at it."

    return _post_form(request, client, ClientFeeForm(request.POST), add)


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def billing_details(request: HttpRequest, uid: uuid.UUID, person_id: int) -> HttpResponse:
    client = client_for(request.user, uid)
    person = get_object_or_404(Person, client=client, pk=person_id)
    existing = BillingDetails.objects.filter(person=person).first()
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = dict(existing.values())
        initial["date_of_birth"] = existing.date_of_birth()
    form = BillingDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.billing_details_set(
            person=person,
            legal_name=data["legal_name"],
            date_of_birth=data["date_of_birth"],
            address=data["address"],
            member_id=data["member_id"],
            actor=request.user,
            request=request,
        )
        messages.success(request, "Billing details saved.")
        return redirect(_client_billing_url(client))
    if request.method != "POST" and existing is not None:
        audit_record(
            request=request,
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            target_type="billing details",
            target_uid=existing.uid,
            client_uid=client.uid,
            summary="opened billing details",
        )
    status = 400 if form.is_bound and form.errors else 200
    context = {"client": client, "person": person, "form": form, "nav": "clients"}
    return render(request, "office/billing/details_form.html", context, status=status)


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def charge_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    charge = charge_for(request.user, uid)
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.charge_adjust(
                charge=charge,
                amount_cents=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                kind=form.cleaned_data["kind"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Saved; the change is kept in the charge's history.")
            return redirect("office:charge", uid=charge.uid)
    amounts: dict[str, Any] = dict(Charge.objects.filter(pk=charge.pk).with_amounts().values()[0])
    context = {
        "charge": charge,
        "client": charge.client,
        "adjustments": list(charge.adjustments.select_related("made_by")),
        "amount": charge.fee_cents + amounts["adjusted_cents"],
        "paid": amounts["paid_cents"],
        "open": charge.fee_cents + amounts["adjusted_cents"] - amounts["paid_cents"],
        "statements": list(charge.statements.all()),
        "form": form,
        "nav": "clients",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "office/billing/charge.html", context, status=status)


# Documents --------------------------------------------------------------------------------


@office_view(roles=ALL_ROLES)
@require_POST
def statement_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for e in form.non_field_errors()]
        messages.error(request, " ".join(problems) or "Choose the dates.")
        return redirect(_client_billing_url(client))
    try:
        statement = statements.statement_issue(
            client=client,
            kind=form.cleaned_data["kind"],
            period_start=form.cleaned_data["start"],
            period_end=form.cleaned_data["end"],
            actor=request.user,
            now=timezone.now(),
            issued_on=_today(),
            request=request,
        )
    except ValidationError as error:
        _problem(request, error)
    else:
        told = document_ready_tell(document=statement, request=request, now=timezone.now())
        messages.success(
            request, f"{statement.get_kind_display()} {statement.number} issued.{_told(told)}"
        )
    return redirect(_client_billing_url(client))


def _told(person: Person | None) -> str:
    """Return the office's words for whom a document's message went to, if anyone."""
    if person is None:
        return ""
    return f" {person.name} is told in a secure message that it is in their portal."


def _pdf(request: HttpRequest, document: Statement | Estimate, what: str) -> HttpResponse:
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        target_type=what,
        target_uid=document.uid,
        client_uid=document.client.uid,
        summary=f"downloaded {document.number}",
    )
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename()}"'
    response["Cache-Control"] = "no-store"
    return response


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def statement_pdf(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    statement = statement_for(request.user, uid)
    return _pdf(request, statement, statement.kind)


@office_view(roles=ALL_ROLES)
@require_POST
def superbills_new(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a month, such as 2026-11.")
        return redirect("office:billing")
    year, month = form.cleaned_data["month"]
    issued = statements.superbills_issue(
        year=year,
        month=month,
        clients=_clients_in_scope(request.user),
        actor=request.user,
        now=timezone.now(),
        issued_on=_today(),
        request=request,
    )
    if issued:
        told = [
            document_ready_tell(document=statement, request=request, now=timezone.now())
            for statement in issued
        ]
        count = sum(1 for person in told if person is not None)
        messages.success(
            request,
            f"{len(issued)} superbills issued for {year}-{month:02d}."
            + (
                f" {count} told in a secure message that theirs is in their portal."
                if count
                else ""
            ),
        )
    else:
        messages.info(request, f"No coded sessions in {year}-{month:02d}; nothing was issued.")
    return redirect("office:billing")


@office_view(roles=ALL_ROLES)
@require_POST
def estimate_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    upcoming = estimates.upcoming_sessions([client.pk], timezone.now()).get(client.pk, [])
    items = estimates.expected_items(client, upcoming)
    form = EstimateForm(request.POST, services=[(i.service, i.label, i.quantity) for i in items])
    if not form.is_valid():
        messages.error(request, "Check the number of sessions expected.")
        return redirect(_client_billing_url(client))
    try:
        estimate = estimates.estimate_issue(
            client=client,
            quantities=form.quantities(),
            actor=request.user,
            now=timezone.now(),
            issued_on=_today(),
            request=request,
        )
    except ValidationError as error:
        _problem(request, error)
    else:
        told = document_ready_tell(document=estimate, request=request, now=timezone.now())
        messages.success(request, f"Good Faith Estimate {estimate.number} issued.{_told(told)}")
    return redirect(_client_billing_url(client))


@office_view(roles=ALL_ROLES)
@require_POST
def estimate_request(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    services.estimate_request_record(
        client=client, on=_today(), actor=request.user, request=request
    )
    messages.success(request, "Recorded; the estimate is due within three business days.")
    return redirect(_client_billing_url(client))


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def estimate_pdf(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    estimate = estimate_for(request.user, uid)
    return _pdf(request, estimate, "estimate")


# Diagnoses (clinical roles only) ----------------------------------------------------------


@office_view(roles=CLINICAL_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def diagnoses(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    client = client_for(request.user, uid)
    # A search is posted, not put in the address: what a clinician looks up about a client
    # stays out of browser history and every log of addresses.
    query = request.POST.get("q", "").strip()[:80] if request.method == "POST" else ""
    if request.method == "POST" and "code" in request.POST:
        try:
            services.diagnosis_add(
                client=client, code=request.POST.get("code", ""), actor=request.user,
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            _problem(request, error)
        else:
            messages.success(request, "Diagnosis added.")
        return redirect("office:diagnoses", uid=client.uid)
    rows = list(Diagnosis.objects.filter(client=client))
    context = {
        "client": client,
        "diagnoses": [(row, icd10.describe(row.code)) for row in rows],
        "query": query,
        "results": icd10.search(query) if query else [],
        "nav": "clients",
    }
    return render(request, "office/billing/diagnoses.html", context)


@office_view(roles=CLINICAL_ROLES)
@require_POST
def diagnosis_change(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    diagnosis = diagnosis_for(request.user, uid)
    action = request.POST.get("action")
    if action == "remove":
        services.diagnosis_remove(diagnosis=diagnosis, actor=request.user, request=request)
        messages.success(request, "Diagnosis removed.")
    elif action in ("up", "down"):
        services.diagnosis_move(
            diagnosis=diagnosis, up=action == "up", actor=request.user, request=request
        )
    return redirect("office:diagnoses", uid=diagnosis.client.uid)


# Exports for the accountant ---------------------------------------------------------------


@office_view(roles=ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def export_csv(request: HttpRequest, what: str) -> HttpResponse:
    form = ExportForm(request.GET)
    if what not in ("charges", "payments", "balances") or not form.is_valid():
        messages.error(request, "Choose the dates to export.")
        return redirect("office:billing")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    clients = _clients_in_scope(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{what}-{start}-{end}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    if what == "charges":
        _export_charges(writer, clients, start, end)
    elif what == "payments":
        _export_payments(writer, clients, start, end)
    else:
        _export_balances(writer, clients, start, end)
    audit_record(
        request=request,
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        target_type="billing export",
        target_uid=uuid.uuid5(uuid.NAMESPACE_URL, f"confide:export:{what}"),
        client_uid=None,
        summary=f"exported {what} from {start} to {end}",
    )
    return response


def _dollars(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _export_charges(writer: Any, clients: Any, start: dt.date, end: dt.date) -> None:
    writer.writerow(
        ["date of service", "client", "clinician", "kind", "CPT", "modifier", "place",
         "fee", "adjustments", "amount", "paid", "open"]
    )  # fmt: skip
    rows = (
        Charge.objects.filter(client__in=clients, service_date__range=(start, end))
        .with_amounts()
        .select_related("client", "clinician")
        .order_by("service_date", "pk")
    )
    for c in rows:
        amount = c.fee_cents + c.adjusted_cents  # type: ignore[attr-defined]
        writer.writerow(
            [c.service_date, c.client.display_name, c.clinician.name, c.get_kind_display(),
             c.cpt, c.modifier, c.place, _dollars(c.fee_cents),
             _dollars(c.adjusted_cents), _dollars(amount),  # type: ignore[attr-defined]
             _dollars(c.paid_cents), _dollars(amount - c.paid_cents)]  # type: ignore[attr-defined]
        )  # fmt: skip


def _export_payments(writer: Any, clients: Any, start: dt.date, end: dt.date) -> None:
    writer.writerow(["date", "client", "kind", "method", "reference", "amount"])
    rows = (
        Payment.objects.filter(client__in=clients, received_on__range=(start, end))
        .select_related("client")
        .order_by("received_on", "pk")
    )
    for p in rows:
        writer.writerow(
            [p.received_on, p.client.display_name, p.get_kind_display(), p.get_method_display(),
             p.reference, _dollars(p.signed_cents)]
        )  # fmt: skip


def _export_balances(writer: Any, clients: Any, start: dt.date, end: dt.date) -> None:
    """Write each client's opening balance, charges, payments and closing balance."""
    writer.writerow(["client", "opening balance", "charged", "paid", "closing balance"])
    for client in clients.order_by("display_name"):
        opening = statements._balance_before(client, start)
        charged_q = Charge.objects.filter(client=client, service_date__range=(start, end))
        charged = (charged_q.aggregate(t=Sum("fee_cents"))["t"] or 0) + (
            charged_q.aggregate(t=Sum("adjustments__amount_cents"))["t"] or 0
        )
        paid = sum(
            p.signed_cents
            for p in Payment.objects.filter(client=client, received_on__range=(start, end))
        )
        if not (opening or charged or paid):
            continue
        writer.writerow(
            [client.display_name, _dollars(opening), _dollars(charged), _dollars(paid),
             _dollars(opening + charged - paid)]
        )  # fmt: skip
