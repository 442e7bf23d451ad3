"""Payments in the portal: the balance, charges, payments and documents of the person's account.

Shown only when the practice uses billing, and only to the person the bills go to: in a couple,
the partner the practice names sees the couple's account; the other partner reads who that is.
The documents are the PDFs the office issued (confide/billing/statements.py, estimates.py),
downloaded exactly as kept, each download audited like the record's.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.billing import ledger, selectors
from confide.billing.models import BillingSettings, Estimate, Payment, Statement
from confide.clients.models import Person
from confide.portal.access import portal_view


def _person(request: HttpRequest) -> Person:
    person: Person = request.portal_person  # type: ignore[attr-defined]
    return person


@portal_view
@require_http_methods(["GET", "HEAD"])
def payments(request: HttpRequest) -> HttpResponse:
    settings = BillingSettings.load()
    if not settings.enabled:
        raise Http404("The practice does not keep payments here.")
    person = _person(request)
    client = person.client
    payer = selectors.payer_of(client)
    context: dict[str, object] = {"nav": "payments", "payer": payer}
    if payer is None or payer.pk != person.pk:
        return render(request, "portal/payments.html", context)
    context.update(
        billed=True,
        balance=ledger.balance_of(client_id=client.pk),
        charges=selectors.charge_rows(client),
        payments=Payment.objects.filter(client=client).order_by("-received_on", "-pk"),
        statements=Statement.objects.filter(client=client),
        estimates=Estimate.objects.filter(client=client),
        note=settings.statement_note,
    )
    return render(request, "portal/payments.html", context)


@portal_view
@require_POST
def payment_document(request: HttpRequest) -> HttpResponse:
    """Send one of the account's issued PDFs; the document is named in the form, not the URL."""
    person = _person(request)
    client = person.client
    payer = selectors.payer_of(client)
    if not selectors.billing_used() or payer is None or payer.pk != person.pk:
        raise Http404("No such document.")
    document = selectors.issued_document_of(client, request.POST.get("document", ""))
    if document is None:
        raise Http404("No such document.")
    kind = document.kind if isinstance(document, Statement) else "estimate"
    audit_record(
        request=request,
        actor=None,
        action=AuditEvent.Action.EXPORT,
        target_type=kind,
        target_uid=document.uid,
        client_uid=client.uid,
        summary=f"Downloaded {document.number} from the portal",
    )
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename()}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
