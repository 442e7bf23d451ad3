"""Every write to client records: becoming a client, notes, discharge, export, deletion.

Each function records who did what in the audit log (never any clinical text). Access checks
belong to the views that call these; the functions assume the actor may do what is asked.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from confide.accounts.sessions import AnyUser as Actor
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.events import note_signed
from confide.clients.models import (
    Client,
    ClinicalNote,
    ConsultationRequest,
    Document,
    NoteAmendment,
    Person,
)
from confide.clients.reach import Reach
from confide.lib.crypto import DecryptionError
from confide.practice.models import Practice

A = AuditEvent.Action


class ClientError(Exception):
    """A change that cannot be made; ``message`` is written for the therapist."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, kw_only=True)
class PersonDetails(Reach):
    """One member of a client: how to reach them, and what only a client has."""

    pronouns: str = ""
    emergency_name: str = ""
    emergency_relationship: str = ""
    emergency_phone: str = ""


@dataclass(frozen=True, kw_only=True)
class NoteDetails:
    """What a note records about the contact, beside its sections.

    ``appointment_id`` is the session the note is for (None: not for a session, or a
    psychotherapy note not linked to one). The rest applies to progress notes only;
    ``risk_detail`` and ``others_present`` are sealed with the note's text.
    """

    appointment_id: int | None = None
    service: str = ""
    service_date: dt.date | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    minutes: int | None = None
    format: str = ""
    present: tuple[Person, ...] = ()
    others_present: str = ""
    risk: str = ""
    risk_detail: str = ""


def _details_apply(note: ClinicalNote, details: NoteDetails) -> None:
    """Set a note's details (before it is saved); its people present follow the save."""
    note.appointment_id = details.appointment_id
    if note.kind == ClinicalNote.Kind.PSYCHOTHERAPY:
        return
    note.service = details.service
    note.service_date = details.service_date
    note.format = details.format
    note.risk = details.risk
    note.risk_detail = details.risk_detail
    note.others_present = details.others_present
    if details.service in ClinicalNote.NOT_SESSIONS:
        # A call or a collateral contact has its own date and minutes, and no session.
        note.appointment_id = None
        note.started_at = note.ended_at = None
        note.minutes = details.minutes
    else:
        note.started_at, note.ended_at = details.started_at, details.ended_at
        note.minutes = None
        note.minutes = note.duration_minutes()


def _details_check(note: ClinicalNote, client: Client) -> None:
    appointment = note.appointment if note.appointment_id else None
    if appointment is None:
        return
    theirs = appointment.client_id == client.pk or (
        appointment.consultation_id is not None
        and appointment.consultation_id == client.consultation_id
    )
    if not theirs:
        raise ClientError("That session is not one of this client's.")


def _present_set(note: ClinicalNote, details: NoteDetails) -> None:
    if note.kind == ClinicalNote.Kind.PSYCHOTHERAPY:
        return
    note.people_present.set([p for p in details.present if p.client_id == note.client_id])


def _values(details: PersonDetails) -> dict[str, Any]:
    return {f.name: getattr(details, f.name) for f in fields(details)}


def _log(
    request: HttpRequest | None,
    actor: Actor,
    action: str,
    target: Any,
    client: Client,
    summary: str = "",
) -> None:
    audit_record(
        request=request,
        actor=actor,
        action=action,
        target_type=target._meta.model_name,
        target_uid=target.uid,
        client_uid=client.uid,
        summary=summary,
    )


def client_record_viewed(
    *,
    client: Client,
    actor: Actor,
    request: HttpRequest | None,
    what: str = "record",
    target: Any = None,
) -> None:
    """Record that a person opened part of a client's record; ``target`` names the exact row.

    ``target`` is a row with a ``uid`` (a note, a document); without one the client is named.
    """
    _log(request, actor, A.VIEW, client if target is None else target, client, f"opened {what}")


def person_details_from_request(consultation: ConsultationRequest) -> PersonDetails:
    """Return the first person's details as the consultation request gave them."""
    return PersonDetails(**asdict(consultation.reach()))


def client_create(
    *,
    kind: str,
    people: list[PersonDetails],
    display_name: str,
    clinician_id: int,
    actor: Actor,
    request: HttpRequest | None,
    consultation: ConsultationRequest | None = None,
    status: str = Client.Status.CONSULTATION,
) -> Client:
    """Make a client (an individual, or a couple of two people), optionally from a request."""
    expected = 2 if kind == Client.Kind.COUPLE else 1
    if len(people) != expected or not all(p.name.strip() for p in people):
        raise ClientError(
            "A couple needs both partners' names." if expected == 2 else "Give the client's name."
        )
    with transaction.atomic():
        client = Client.objects.create(
            kind=kind,
            display_name=display_name.strip() or " and ".join(p.name for p in people),
            clinician_id=clinician_id,
            consultation=consultation,
            status=status,
        )
        for order, details in enumerate(people):
            Person.objects.create(client=client, order=order, **_values(details))
        if consultation is not None:
            consultation.status = ConsultationRequest.Status.CLIENT
            consultation.save(update_fields=["status"])
        _log(
            request,
            actor,
            A.CREATE,
            client,
            client,
            f"new {client.get_kind_display().lower()} client",
        )
    return client


def client_set_status(
    *,
    client: Client,
    status: str,
    actor: Actor,
    request: HttpRequest | None,
    now: dt.datetime,
    waitlisted: bool | None = None,
) -> Client:
    """Move a client between inquiry, consultation, active, on hold and discharged.

    ``waitlisted`` puts the client on the waitlist or takes them off; None leaves it as it is.
    """
    if status not in Client.Status.values:
        raise ClientError("Choose a status from the list.")
    if client.anonymized_at:
        raise ClientError("This record has been anonymized.")
    with transaction.atomic():
        changes = []
        action = A.CHANGE
        if status != client.status:
            previous = client.get_status_display()
            client.status = status
            # Discharge starts the retention period; any other status stops it.
            client.discharged_at = now if status == Client.Status.DISCHARGED else None
            changes.append(f"status {previous} to {client.get_status_display()}")
            if status == Client.Status.DISCHARGED:
                action = A.DISCHARGE
        if waitlisted is not None and waitlisted != client.waitlisted:
            client.waitlisted = waitlisted
            changes.append("added to the waitlist" if waitlisted else "taken off the waitlist")
        if not changes:
            return client
        client.save(update_fields=["status", "discharged_at", "waitlisted"])
        _log(request, actor, action, client, client, "; ".join(changes))
    return client


def note_create(
    *,
    client: Client,
    kind: str,
    template: str,
    sections: dict[str, str],
    author: Actor,
    request: HttpRequest | None,
    details: NoteDetails | None = None,
) -> ClinicalNote:
    """Start a note as a draft; its text is sealed before it reaches the database."""
    if kind not in ClinicalNote.Kind.values or template not in ClinicalNote.SECTIONS:
        raise ClientError("Choose a kind of note and a template.")
    if client.anonymized_at:
        raise ClientError("This record has been anonymized.")
    details = details or NoteDetails()
    with transaction.atomic():
        note = ClinicalNote(
            client=client,
            kind=kind,
            template=template,
            author=author if author.is_authenticated else None,  # type: ignore[misc]
        )
        note.sections = sections
        _details_apply(note, details)
        _details_check(note, client)
        note.save()
        _present_set(note, details)
        _log(request, author, A.CREATE, note, client, f"new {note.get_kind_display().lower()}")
    return note


# Drafts save themselves every few seconds of typing: the audit trail records such a save when
# the draft had rested this long, not each one.
AUTOSAVE_AUDIT_GAP = dt.timedelta(minutes=10)


def note_update(
    *,
    note: ClinicalNote,
    sections: dict[str, str],
    actor: Actor,
    request: HttpRequest | None,
    automatic: bool = False,
    details: NoteDetails | None = None,
) -> ClinicalNote:
    """Change a draft; a signed note can only be amended.

    ``automatic`` marks a save the page made on its own while the author typed; it is audited
    only when the draft was last saved ``AUTOSAVE_AUDIT_GAP`` or longer before.
    """
    with transaction.atomic():
        note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
        if note.is_signed:
            raise ClientError("This note is signed and locked. Add an amendment instead.")
        _check_author(note, actor)
        rested = timezone.now() - note.updated_at >= AUTOSAVE_AUDIT_GAP
        note.sections = sections
        if details is None:
            note.save(update_fields=["body_sealed", "updated_at"])
        else:
            _details_apply(note, details)
            _details_check(note, note.client)
            note.save()
            _present_set(note, details)
        if not automatic:
            _log(request, actor, A.CHANGE, note, note.client, "draft changed")
        elif rested:
            _log(request, actor, A.CHANGE, note, note.client, "draft saved automatically")
    return note


def _check_author(note: ClinicalNote, actor: Actor) -> None:
    # A draft is its author's until signed: nobody else finishes or signs it in their name.
    if note.author_id is not None and note.author_id != actor.pk:
        raise ClientError("Only the clinician who wrote this draft can change or sign it.")


def note_sign(
    *, note: ClinicalNote, actor: Actor, request: HttpRequest | None, now: dt.datetime
) -> ClinicalNote:
    """Sign and lock a note; its text is sealed again, bound to the signed state."""
    with transaction.atomic():
        note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
        if note.is_signed:
            raise ClientError("This note is already signed.")
        _check_author(note, actor)
        if not any(text.strip() for text in note.sections.values()):
            raise ClientError("An empty note can't be signed.")
        if problems := _sign_problems(note):
            raise ClientError("Before signing: " + " ".join(problems))
        note.sign(by=actor if actor.is_authenticated else None, at=now)
        _stamp(note, actor)
        note.save(
            update_fields=[
                "signed_at", "signed_by", "body_sealed", "updated_at",
                "signer_name", "signer_credentials", "signer_license", "signed_zone",
            ]
        )  # fmt: skip
        _log(request, actor, A.SIGN, note, note.client, "signed and locked")
        note_signed.send(sender=ClinicalNote, note=note)
    return note


def _sign_problems(note: ClinicalNote) -> list[str]:
    """Return what a progress note still lacks to be signed, in words; none for others."""
    if note.kind != ClinicalNote.Kind.PROGRESS:
        return []
    problems = []
    if not note.service:
        problems.append("Say what the contact was.")
    elif note.for_session:
        if note.appointment_id is None:
            problems.append("Choose the session it is for, or say it was not a session.")
        if not (note.started_at and note.ended_at and note.ended_at > note.started_at):
            problems.append("Give the session's actual start and end.")
        if not note.format:
            problems.append("Say how the session took place.")
    elif not note.minutes:
        problems.append("Give the minutes of the contact.")
    if note.service_date is None:
        problems.append("Give the date of service.")
    if not note.risk:
        problems.append("Record risk: none noted, or risk assessed.")
    elif note.risk == ClinicalNote.Risk.ASSESSED and not note.risk_detail.strip():
        problems.append("Describe the risk assessment.")
    return problems


def _stamp(note: ClinicalNote, actor: Actor) -> None:
    """Keep the signer's name, credentials, license and zone as they are today."""
    profile = getattr(actor, "staff_profile", None)
    clinician = getattr(profile, "clinician", None)
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    if clinician is not None:
        note.signer_name = clinician.name
        note.signer_credentials = clinician.credentials
        license_ = f"{clinician.license_state} {clinician.license_number}".strip()
        note.signer_license = license_
        note.signed_zone = clinician.tz().key
    else:
        note.signer_name = full_name or actor.get_username()
        note.signed_zone = note.client.clinician.tz().key


def note_amend(
    *, note: ClinicalNote, text: str, actor: Actor, request: HttpRequest | None
) -> NoteAmendment:
    """Add an amendment to a signed note; the signed text stays as it was."""
    if not text.strip():
        raise ClientError("Write what the amendment says.")
    with transaction.atomic():
        note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
        if not note.is_signed:
            raise ClientError("A draft can simply be changed; amendments are for signed notes.")
        amendment = NoteAmendment(note=note, author=actor if actor.is_authenticated else None)  # type: ignore[misc]
        amendment.text = text
        amendment.save()
        _log(request, actor, A.AMEND, note, note.client, "amendment added")
    return amendment


def _signature(note: ClinicalNote) -> str | None:
    """Return who signed, as stamped on signing: name, credentials, license."""
    if not note.signed_at:
        return None
    parts = [note.signer_name, note.signer_credentials]
    if note.signer_license:
        parts.append(f"license {note.signer_license}")
    return ", ".join(p for p in parts if p) or None


def _contact(note: ClinicalNote) -> dict[str, Any] | None:
    """Return what a progress note records about the contact, for the export."""
    if note.kind != ClinicalNote.Kind.PROGRESS:
        return None
    return {
        "service": note.get_service_display() if note.service else None,
        "date": note.service_date.isoformat() if note.service_date else None,
        "started": note.started_at.isoformat() if note.started_at else None,
        "ended": note.ended_at.isoformat() if note.ended_at else None,
        "minutes": note.duration_minutes(),
        "format": note.get_format_display() if note.format else None,
        "present": [p.name for p in note.people_present.all()],
        "others_present": note.others_present,
        "risk": note.get_risk_display() if note.risk else None,
        "risk_detail": note.risk_detail,
    }


def _opened_or_none(record: Any, name: str) -> str | None:
    """Return a sealed text of a record, or None when it does not open."""
    try:
        return str(getattr(record, name))
    except DecryptionError:
        return None


def _request_export(consultation: ConsultationRequest | None) -> dict[str, Any] | None:
    """Return the consultation request a client came from, in their own words, as plain data."""
    if consultation is None:
        return None
    return {
        "id": str(consultation.uid),
        "sent": consultation.created_at.isoformat(),
        "name": consultation.name,
        "for_couple": consultation.for_couple,
        "partner_name": consultation.partner_name,
        "email": consultation.email,
        "phone": consultation.phone,
        "may_call": consultation.may_call,
        "may_text": consultation.may_text,
        "may_email": consultation.may_email,
        "voicemail_ok": consultation.voicemail_ok,
        "may_name_practice": consultation.may_name_practice,
        "safe_times": _opened_or_none(consultation, "safe_times"),
        "time_zone": consultation.time_zone,
        "status": consultation.status,
        "flagged_for_crisis_language": consultation.needs_attention,
        "their_words": _opened_or_none(consultation, "note"),
        "preferred_times": _opened_or_none(consultation, "preferred_times"),
    }


def _documents_export(documents: list[Document], *, with_data: bool) -> list[dict[str, Any]]:
    """Return the documents as plain data, each file's bytes in base64 when ``with_data``."""
    exported = []
    for document in documents:
        entry: dict[str, Any] = {
            "id": str(document.uid),
            "title": document.title,
            "content_type": document.content_type,
            "size": document.size,
            "uploaded": document.uploaded_at.isoformat(),
            "filename": document.filename(),
        }
        if with_data:
            try:
                entry["data_base64"] = base64.b64encode(document.data).decode("ascii")
            except DecryptionError:
                # Listed all the same, so that nobody takes the export for the whole record.
                entry["data_base64"] = None
                entry["error"] = "could not be opened"
        exported.append(entry)
    return exported


def client_export(
    *,
    client: Client,
    appointments: list[dict[str, Any]],
    include_psychotherapy_notes: bool,
    actor: Actor,
    request: HttpRequest | None,
    now: dt.datetime,
    with_document_data: bool = True,
    signed_papers: list[dict[str, Any]] | None = None,
    messages: list[dict[str, Any]] | None = None,
    measures: list[dict[str, Any]] | None = None,
    plans: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the client's record as plain data, for a download and a printout.

    ``appointments`` are the client's appointments as plain data; scheduling, which builds on
    clients, lists them (``scheduling.selectors.appointments_for_export``), as intake lists the
    signed paperwork (``signed_papers``), messaging the secure messages (``messages``),
    measures the answered measures (``measures``) and plans the signed treatment plans
    (``plans``). Documents come whole (base64) unless
    ``with_document_data`` is False, as for a printout, which only lists them.
    """
    # Only notes the actor may read, so psychotherapy notes only the exporting author's own;
    # and those leave only when asked for.
    notes = ClinicalNote.objects.visible_to(actor).filter(client=client)
    if not include_psychotherapy_notes:
        notes = notes.exclude(kind=ClinicalNote.Kind.PSYCHOTHERAPY)
    data = client_record_data(
        client=client,
        people=list(client.people.all()),
        notes=notes,
        documents=Document.objects.visible_to(actor).filter(client=client),
        appointments=appointments,
        signed_papers=signed_papers or [],
        messages=messages or [],
        measures=measures or [],
        plans=plans or [],
        consultation=client.consultation,
        psychotherapy_notes_included=include_psychotherapy_notes,
        now=now,
        with_document_data=with_document_data,
    )
    summary = "export" + (" with psychotherapy notes" if include_psychotherapy_notes else "")
    _log(request, actor, A.EXPORT, client, client, summary)
    return data


def client_record_data(
    *,
    client: Client,
    people: list[Person],
    notes: QuerySet[ClinicalNote],
    documents: QuerySet[Document],
    appointments: list[dict[str, Any]],
    signed_papers: list[dict[str, Any]],
    consultation: ConsultationRequest | None,
    psychotherapy_notes_included: bool,
    now: dt.datetime,
    with_document_data: bool,
    messages: list[dict[str, Any]] | None = None,
    measures: list[dict[str, Any]] | None = None,
    plans: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the chosen parts of a client's record as plain data; records nothing.

    Every door that exports a record (the office's, and a person's own download in the portal)
    chooses what goes in and audits it; the shape of the data is this one.
    """
    notes = (
        notes
        # Each note's text is bound to its client's uid: read the client with it, not once a note.
        .select_related("client")
        .prefetch_related("amendments", "people_present")
        .order_by("created_at")
    )
    practice = Practice.load()
    return {
        "client": {
            "id": str(client.uid),
            "kind": client.kind,
            "status": client.status,
            "name": client.display_name,
            "created": client.created_at.isoformat(),
            "discharged": client.discharged_at.isoformat() if client.discharged_at else None,
        },
        "people": [
            {
                f: getattr(p, f)
                for f in (
                    "name",
                    "pronouns",
                    "email",
                    "phone",
                    "may_call",
                    "may_text",
                    "may_email",
                    "voicemail_ok",
                    "may_name_practice",
                    "safe_times",
                    "emergency_name",
                    "emergency_relationship",
                    "emergency_phone",
                )
            }
            for p in people
        ],
        "appointments": appointments,
        "notes": [
            {
                "id": str(n.uid),
                "kind": n.kind,
                "template": n.template,
                "written": n.created_at.isoformat(),
                "signed": n.signed_at.isoformat() if n.signed_at else None,
                "signed_by": _signature(n),
                "signer": (
                    {
                        "name": n.signer_name,
                        "credentials": n.signer_credentials,
                        "license": n.signer_license,
                    }
                    if n.signed_at
                    else None
                ),
                "contact": _contact(n),
                "sections": [
                    {"label": label, "text": text} for label, text in n.labelled_sections()
                ],
                "amendments": [
                    {"written": a.created_at.isoformat(), "text": a.text}
                    for a in n.amendments.all()
                ],
            }
            for n in notes
        ],
        "psychotherapy_notes_included": psychotherapy_notes_included,
        "documents": _documents_export(
            list(documents.order_by("uploaded_at", "pk")), with_data=with_document_data
        ),
        "signed_paperwork": signed_papers,
        "messages": messages or [],
        "measures": measures or [],
        "treatment_plans": plans or [],
        "request": _request_export(consultation),
        "practice": {"name": practice.name, "address": practice.address_lines()},
        "exported": now.isoformat(),
    }


def retention_ends(client: Client, *, years: int) -> dt.datetime | None:
    """Return when the record may be deleted, or None while the client is not discharged."""
    if client.discharged_at is None:
        return None
    ends = client.discharged_at
    try:
        return ends.replace(year=ends.year + years)
    except ValueError:  # 29 February in a year that has none
        return ends.replace(year=ends.year + years, day=28)


def client_anonymize(
    *,
    client: Client,
    actor: Actor,
    request: HttpRequest | None,
    now: dt.datetime,
    retention_years: int,
) -> Client:
    """Remove what identifies the client or says anything clinical, once retention allows.

    The row stays (anonymized) so appointments and the audit log keep something to point to.
    """
    ends = retention_ends(client, years=retention_years)
    if ends is None or ends > now:
        raise ClientError(
            "The record must be kept until the retention period after discharge has passed."
        )
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        client.notes.all().delete()
        client.documents.all().delete()
        client.people.all().delete()
        if client.consultation is not None:
            consultation = client.consultation
            consultation.name = "Removed"
            consultation.email = consultation.phone = consultation.safe_times = ""
            consultation.partner_name = consultation.preferred_times = ""
            consultation.close_reason = ""
            consultation.needs_attention = False
            consultation.note = ""
            consultation.save()
        client.display_name = f"Former client {str(client.uid)[:8]}"
        client.waitlist_note = ""
        client.anonymized_at = now
        client.save(update_fields=["display_name", "waitlist_note", "anonymized_at"])
        _log(request, actor, A.ANONYMIZE, client, client, "record anonymized after retention")
    return client


def person_update(
    *, person: Person, details: PersonDetails, actor: Actor, request: HttpRequest | None
) -> Person:
    """Save changed contact details or wishes of one person of a client."""
    for name, value in _values(details).items():
        setattr(person, name, value)
    with transaction.atomic():
        person.save()
        _log(request, actor, A.CHANGE, person.client, person.client, "contact details changed")
    return person


def document_add(
    *,
    client: Client,
    title: str,
    content_type: str,
    data: bytes,
    actor: Actor,
    request: HttpRequest | None,
) -> Document:
    """Keep a file with the client's record, sealed; only a few plain formats are accepted."""
    if client.anonymized_at:
        raise ClientError("This record has been anonymized.")
    if content_type not in Document.ALLOWED_TYPES:
        raise ClientError("Upload a PDF, PNG, JPEG or plain text file.")
    if not data:
        raise ClientError("The file is empty.")
    if len(data) > Document.MAX_BYTES:
        raise ClientError("The file is larger than 10 MB.")
    with transaction.atomic():
        document = Document(
            client=client,
            title=title.strip() or "Document",
            content_type=content_type,
            size=len(data),
            uploaded_by=actor if actor.is_authenticated else None,  # type: ignore[misc]
        )
        document.data = data
        document.save()
        _log(request, actor, A.CREATE, document, client, "document added")
    return document


def document_opened(*, document: Document, actor: Actor, request: HttpRequest | None) -> bytes:
    """Return the document's bytes and record that a person opened it."""
    data = document.data
    _log(request, actor, A.VIEW, document, document.client, "document opened")
    return data
