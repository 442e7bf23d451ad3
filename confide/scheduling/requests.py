"""Consultation requests, scheduling's intake of new people: made, contacted, closed, accepted.

A request is made when someone asks for a consultation without a time (``consultation_request
_create``) and, behind the scenes, whenever someone new books online (``appointment_book``); the
office then marks it contacted, closes it, or turns it into a client.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db import transaction
from django.http import HttpRequest

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client, ConsultationRequest
from confide.clients.reach import Reach
from confide.clients.screening import needs_attention
from confide.clients.services import ClientError, PersonDetails, client_create
from confide.practice.models import Clinician
from confide.scheduling.errors import ContactMissing, RequestNotOpen, SchedulingError


@dataclass(frozen=True, kw_only=True)
class ContactDetails(Reach):
    """What a person tells the practice when they book or ask for a consultation."""

    for_couple: bool = False
    partner_name: str = ""
    note: str = ""
    wants_calendar_file: bool = False


def consultation_request_new(
    *, clinician: Clinician, contact: ContactDetails, preferred_times: str | None = None
) -> ConsultationRequest:
    """Return a request of someone new, unsaved, screened for crisis language.

    ``preferred_times`` is None when they chose a time instead. Raises ContactMissing when they
    gave no way to reach them.
    """
    if not (contact.email or contact.phone):
        raise ContactMissing
    values = {f.name: getattr(contact, f.name) for f in fields(contact)}
    request = ConsultationRequest(
        clinician=clinician,
        needs_attention=needs_attention(contact.note, contact.safe_times, preferred_times or ""),
        **values,
    )
    if preferred_times is not None:
        # Sealed, so set on the row (whose uid it is bound to) rather than passed as a column.
        request.preferred_times = preferred_times
    return request


def consultation_request_create(
    *, clinician: Clinician, contact: ContactDetails, preferred_times: str
) -> ConsultationRequest:
    """Record a request for a consultation when none of the offered times fits."""
    request = consultation_request_new(
        clinician=clinician, contact=contact, preferred_times=preferred_times
    )
    request.save()
    return request


def _audit_request(
    request: HttpRequest | None, actor: Actor, consultation: ConsultationRequest, summary: str
) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        target_type="consultationrequest",
        target_uid=consultation.uid,
        client_uid=None,
        summary=summary,
    )


def _lock_open(consultation: ConsultationRequest) -> ConsultationRequest:
    locked = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
    if locked.status not in (ConsultationRequest.Status.NEW, ConsultationRequest.Status.CONTACTED):
        raise RequestNotOpen
    return locked


def consultation_request_contacted(
    *, consultation: ConsultationRequest, actor: Actor, request: HttpRequest | None
) -> ConsultationRequest:
    """Mark a new request as contacted."""
    with transaction.atomic():
        locked = _lock_open(consultation)
        if locked.status == ConsultationRequest.Status.CONTACTED:
            raise RequestNotOpen("This request is already marked as contacted.")
        locked.status = ConsultationRequest.Status.CONTACTED
        locked.save(update_fields=["status"])
        _audit_request(request, actor, locked, "marked contacted")
    return locked


def consultation_request_close(
    *, consultation: ConsultationRequest, reason: str, actor: Actor, request: HttpRequest | None
) -> ConsultationRequest:
    """Close an open request, keeping why."""
    reason = reason.strip()
    if not reason:
        raise SchedulingError("Say why the request is closed.", field="reason")
    with transaction.atomic():
        locked = _lock_open(consultation)
        locked.status = ConsultationRequest.Status.CLOSED
        locked.close_reason = reason[:200]
        locked.save(update_fields=["status", "close_reason_sealed"])
        # The reason is the therapist's own words and may be clinical: keep it out of the log.
        _audit_request(request, actor, locked, "closed")
    return locked


def consultation_request_accept(
    *,
    consultation: ConsultationRequest,
    kind: str,
    people: list[PersonDetails],
    display_name: str,
    actor: Actor,
    request: HttpRequest | None,
) -> Client:
    """Turn an open request into a client of the request's clinician (an individual or a couple).

    The request row is locked first, so a form sent twice makes one client, not an error.
    """
    with transaction.atomic():
        locked = _lock_open(consultation)
        try:
            client = client_create(
                kind=kind,
                people=people,
                display_name=display_name,
                clinician_id=locked.clinician_id,
                actor=actor,
                request=request,
                consultation=locked,
            )
        except ClientError as error:
            raise SchedulingError(error.message) from error
        _audit_request(request, actor, locked, "became a client")
    return client
