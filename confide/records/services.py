"""A person's own record: who in the practice opened it, its download, and their requests."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from confide.accounts.access import CLINICAL_ROLES, role_of
from confide.accounts.sessions import AnyUser
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.flags import flag_follow_up_record
from confide.clients.models import Client, ClinicalNote, Document, Person
from confide.clients.services import client_record_data, retention_ends
from confide.intake.services import signed_papers_export
from confide.measures.services import measures_export
from confide.messaging.services import messages_export
from confide.plans.services import plans_export
from confide.practice.models import Practice
from confide.records.models import ANSWER_WITHIN, PortalNotice, RecordRequest, RequestFlag
from confide.scheduling.selectors import appointments_for_export

# -- Who opened the record -----------------------------------------------------------------------

# What each kind of thing is called for the person; anything else is "your record". Only these
# labels are shown, never an event's summary, which may name more than the person should read.
TARGETS = {
    "client": "your record",
    "person": "your details",
    "clinicalnote": "a session note",
    "noteamendment": "a session note",
    "document": "a document",
    "appointment": "an appointment",
    "consultationrequest": "your first request",
    "intake_packet": "your paperwork",
    "intake_signature": "a signed document",
    "intake_answers": "your intake answers",
    "intake_esign_consent": "your consent to sign electronically",
    "recordrequest": "your request about your record",
    "recordrequest_flag": "your request about your record",
    "estimate": "a Good Faith Estimate",
    "message": "a secure message",
    "messages": "your secure messages",
    "attachment": "a file in your messages",
    "client_measures": "your questionnaires",
    "measure_request": "a questionnaire",
    "measure_response": "your questionnaire answers",
    "measure_flag": "your questionnaire answers",
    "intake_flag": "your intake answers",
    "treatment_plan": "your treatment plan",
}
ACTIONS = {
    "view": "Opened",
    "create": "Added",
    "change": "Changed",
    "sign": "Signed",
    "amend": "Amended",
    "export": "Downloaded",
    "discharge": "Closed",
    "delete": "Deleted",
    "anonymize": "Anonymized",
    "portal_invite": "Invited you to",
    "portal_close": "Closed portal access to",
    "answer": "Answered",
}
ROLE_LABELS = {
    "owner": "Practice owner",
    "clinician": "Clinician",
    "practice_manager": "Practice manager",
}


@dataclass(frozen=True)
class Access:
    """One line of the person's log: when, who and in what role, what they did to what."""

    at: dt.datetime
    name: str
    role: str
    did: str
    what: str


def staff_label(user: User) -> tuple[str, str]:
    """Return how a member of staff is named to a client, and their role, as on the day shown."""
    role = role_of(user)
    name = user.get_full_name()
    profile = getattr(user, "staff_profile", None)
    clinician = getattr(profile, "clinician", None) if profile is not None else None
    if not name and clinician is not None:
        name = clinician.name
    label = ROLE_LABELS.get(str(role), "Former staff") if role is not None else "Former staff"
    return name or user.get_username(), label


# Models a row of which never belongs to one person by itself: a path through them is no owner.
_NOT_OWNERS = {"clients.Client", "clients.Clinician", "auth.User"}


@functools.cache
def _per_person_models() -> tuple[tuple[type[models.Model], str], ...]:
    """Return every model with a ``uid`` whose rows each belong to one person, and the path there.

    A row belongs to one person when a chain of required foreign keys leads from it to a Person
    without passing through the client (which a couple shares) or a member of staff: a message
    (thread, person), a file of a message, a measure's flag (response, person), an intake answer's
    flag, a signature. Found from the models themselves, so a new app's per-person things are
    left out of a partner's log without a list to keep up to date.
    """
    found: list[tuple[type[models.Model], str]] = [(Person, "pk")]
    for model in django_apps.get_models():
        if model is Person or not any(f.name == "uid" for f in model._meta.concrete_fields):
            continue
        path = _path_to_person(model, depth=4, seen=frozenset())
        if path is not None:
            found.append((model, path))
    return tuple(found)


def _path_to_person(model: type[models.Model], *, depth: int, seen: frozenset[str]) -> str | None:
    if depth == 0:
        return None
    required = [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and not field.null
    ]
    for field in required:
        if field.related_model is Person:
            return field.name
    for field in required:
        related = field.related_model
        if not isinstance(related, type):
            continue
        label = related._meta.label
        if label in _NOT_OWNERS or label in seen:
            continue
        rest = _path_to_person(related, depth=depth - 1, seen=seen | {model._meta.label})
        if rest is not None:
            return f"{field.name}__{rest}"
    return None


def access_events(person: Person) -> QuerySet[AuditEvent]:
    """Return the events of staff on the person's record, newest first; a partner's own excluded.

    Only events with a member of staff as actor: sign-ins and the person's own downloads are
    recorded by "system" and are not "who in the practice opened it". In a couple, an event whose
    target is the other partner's person row or anything that belongs to that partner alone
    (``_per_person_models``) is theirs, not this person's.
    """
    events = AuditEvent.objects.filter(client_uid=person.client.uid, actor__isnull=False)
    others = Person.objects.filter(client_id=person.client_id).exclude(pk=person.pk)
    if others.exists():
        for model, path in _per_person_models():
            owned = model._default_manager.filter(**{f"{path}__in": others}).values("uid")
            events = events.exclude(target_uid__in=owned)
    return events.select_related("actor__staff_profile__clinician")


def access_rows(events: list[AuditEvent]) -> list[Access]:
    """Return the events as the person reads them: names, roles and fixed words only."""
    rows = []
    for event in events:
        assert event.actor is not None
        name, role = staff_label(event.actor)
        rows.append(
            Access(
                at=event.at,
                name=name,
                role=role,
                did=ACTIONS.get(event.action, "Changed"),
                what=TARGETS.get(event.target_type, "your record"),
            )
        )
    return rows


# -- The person's download -----------------------------------------------------------------------


def own_notes(person: Person) -> QuerySet[ClinicalNote]:
    """Return the notes a person's download holds: never psychotherapy notes.

    ClinicalNote.Kind.PSYCHOTHERAPY is the kind kept apart from the record (45 CFR 164.501), so
    it never leaves here. A couple's note goes to a partner only when they were recorded present:
    a session one partner had alone is that partner's, not the couple's.
    """
    notes = ClinicalNote.objects.filter(client_id=person.client_id).exclude(
        kind=ClinicalNote.Kind.PSYCHOTHERAPY
    )
    # A draft is not yet part of the record.
    notes = notes.filter(signed_at__isnull=False)
    if person.client.kind == Client.Kind.COUPLE:
        notes = notes.filter(people_present=person).distinct()
    return notes


def person_record_export(
    *, person: Person, request: HttpRequest | None, now: dt.datetime, with_data: bool = True
) -> dict[str, Any]:
    """Return the person's own record as plain data and record the download as an export.

    The same data as the office's export (``client_record_data``) without psychotherapy notes;
    for a couple, only the person's own details, papers and notes with them present, and what
    the couple shares (appointments, documents kept with the record).
    """
    client = person.client
    individual = client.kind == Client.Kind.INDIVIDUAL
    data = client_record_data(
        client=client,
        people=[person],
        notes=own_notes(person),
        documents=Document.objects.filter(client=client),
        appointments=appointments_for_export(client),
        signed_papers=signed_papers_export([person], with_data=with_data),
        messages=messages_export([person], with_data=with_data),
        measures=measures_export([person]),
        # A couple has one plan for both; each partner's copy holds only their own signature.
        plans=plans_export(client, [person]),
        # The first request was written by one partner; it stays with the office for a couple.
        consultation=client.consultation if individual else None,
        psychotherapy_notes_included=False,
        now=now,
        with_document_data=with_data,
    )
    audit_record(
        request=request,
        actor=None,
        action=AuditEvent.Action.EXPORT,
        target_type="person",
        target_uid=person.uid,
        client_uid=client.uid,
        summary="Downloaded their own record from the portal",
    )
    return data


# -- Requests to correct or delete ---------------------------------------------------------------

WHAT_LIMIT = 4000


def record_request_create(
    *, person: Person, kind: str, what: str, why: str, now: dt.datetime
) -> RecordRequest:
    """Keep the person's request, sealed, for the office to answer within 60 days."""
    what, why = what.strip(), why.strip()
    if kind not in RecordRequest.Kind.values:
        raise ValidationError("Choose whether you are asking for a correction or a deletion.")
    if not what:
        raise ValidationError("Please say which part of your record this is about.")
    if len(what) > WHAT_LIMIT or len(why) > WHAT_LIMIT:
        raise ValidationError(f"Please keep each answer under {WHAT_LIMIT} characters.")
    with transaction.atomic():
        row = RecordRequest(
            person=person,
            client_id=person.client_id,
            kind=kind,
            created_at=now,
            answer_due=now + ANSWER_WITHIN,
        )
        row.what = what
        row.why = why
        row.save()
        # Screened like every free text a person sends (decision 21); it never stops the request.
        if request_needs_attention(what, why):
            RequestFlag.objects.create(
                client_id=person.client_id, person=person, request=row, raised_at=now
            )
        audit_record(
            request=None,
            actor=None,
            action=AuditEvent.Action.CREATE,
            target_type="recordrequest",
            target_uid=row.uid,
            client_uid=person.client.uid,
            summary=f"Asked for a {row.get_kind_display().lower()} from the portal",
        )
    return row


def request_needs_attention(*texts: str) -> bool:
    """Return True when the crisis screen flags words a person wrote in a request."""
    from confide.clients.screening import needs_attention

    return needs_attention(*texts)


def help_now(person: Person) -> bool:
    """Return True while a request of the person's waits for a follow-up on a flag.

    The portal's "Your record" then shows where to get help now, from the moment the request is
    sent until their therapist has followed it up.
    """
    return RequestFlag.objects.filter(person=person, followed_up_at__isnull=True).exists()


def open_request_flags(clients: QuerySet[Client]) -> QuerySet[RequestFlag]:
    """Return the flags on these clients' requests still waiting for a follow-up, newest first."""
    return (
        RequestFlag.objects.filter(client__in=clients, followed_up_at__isnull=True)
        .select_related("client", "person", "request__person")
        .order_by("-raised_at", "-pk")
    )


def request_flag_follow_up(
    *,
    flag: RequestFlag,
    kind: str,
    note: str,
    actor: AnyUser | None,
    now: dt.datetime,
    request: HttpRequest | None,
) -> RequestFlag:
    """Record what the therapist did about a flag; it leaves Today but stays on the record."""
    return flag_follow_up_record(
        flag=flag, kind=kind, note=note, actor=actor, now=now, request=request,
        target_type="recordrequest_flag", summary="recorded a follow-up on a flagged request",
    )  # fmt: skip


def requests_visible_to(user: AnyUser) -> QuerySet[RecordRequest]:
    """Return the requests the user may see the existence of: scoped like their clients."""
    return RecordRequest.objects.filter(client__in=Client.objects.visible_to(user))


def may_read_requests(user: AnyUser) -> bool:
    """Return True for roles that may read what a request says: never a practice manager."""
    return role_of(user) in CLINICAL_ROLES


@dataclass(frozen=True)
class Retention:
    """How long the law asks the practice to keep a client's record (``Practice.retention_years``).

    ``ends`` is None while the client is in care: the period runs from discharge.
    """

    years: int
    ends: dt.datetime | None
    zone: str

    def holds(self, now: dt.datetime) -> bool:
        """Return True while the record must still be kept: no deletion may be accepted."""
        return self.ends is None or now < self.ends

    @property
    def ends_on(self) -> str:
        """Return the last day of the period as a person reads it ("March 4, 2033"), or ""."""
        if self.ends is None:
            return ""
        day = self.ends.astimezone(zoneinfo.ZoneInfo(self.zone)).date()
        return f"{day:%B} {day.day}, {day.year}"

    @property
    def until(self) -> str:
        """Return until when the record is kept, as the office reads it."""
        return self.ends_on or f"{self.years} years after discharge"

    def sentence(self) -> str:
        """Return what the person reads when a deletion is declined for the retention period."""
        if self.ends is None:
            return (
                "The law requires us to keep your record while you are in care and for "
                f"{self.years} years after your care ends. It can be deleted after that."
            )
        return (
            f"The law requires us to keep your record until {self.ends_on}. "
            "It can be deleted after that date."
        )


def retention_of(client: Client) -> Retention:
    """Return the client's retention period, as the practice's settings set it."""
    years = Practice.load().retention_years
    return Retention(
        years=years, ends=retention_ends(client, years=years), zone=client.clinician.time_zone
    )


def record_request_answer(
    *,
    row: RecordRequest,
    status: str,
    reason: str,
    actor: User,
    request: HttpRequest | None,
    now: dt.datetime,
) -> RecordRequest:
    """Record the office's answer with who and when, and queue a neutral notice to the person.

    A refusal, in whole or in part, needs its reason: the person is owed one in plain words
    (45 CFR 164.526(d)).
    """
    from confide.records.notices import notice_queue

    if status not in {
        RecordRequest.Status.ACCEPTED,
        RecordRequest.Status.PARTLY,
        RecordRequest.Status.DENIED,
    }:
        raise ValidationError("Choose an answer.")
    reason = reason.strip()
    if row.kind == RecordRequest.Kind.DELETION:
        retention = retention_of(row.client)
        if retention.holds(now):
            # Nothing of a record inside its retention period may be deleted (decision 24): the
            # only answer is a refusal, and the person reads until when it must be kept.
            if status != RecordRequest.Status.DENIED:
                raise ValidationError(
                    f"This record must be kept until {retention.until}, so a deletion cannot be "
                    "accepted now. Decline it: the person will read until when it must be kept."
                )
            sentence = retention.sentence()
            if sentence not in reason:
                reason = f"{reason}\n\n{sentence}" if reason else sentence
    if status != RecordRequest.Status.ACCEPTED and not reason:
        raise ValidationError("Say why, in words the person will read.")
    if len(reason) > WHAT_LIMIT:
        raise ValidationError(f"Please keep the answer under {WHAT_LIMIT} characters.")
    with transaction.atomic():
        locked = RecordRequest.objects.select_for_update().get(pk=row.pk)
        if not locked.is_waiting:
            raise ValidationError("This request has been answered already.")
        name, role = staff_label(actor)
        locked.status = status
        locked.answer = reason
        locked.answered_at = now
        locked.answered_by = actor
        locked.answered_by_name = name
        locked.answered_by_role = role
        locked.save()
        audit_record(
            request=request,
            actor=actor,
            action="answer",
            target_type="recordrequest",
            target_uid=locked.uid,
            client_uid=locked.client.uid,
            summary=f"Answered a {locked.get_kind_display().lower()} request: "
            f"{locked.get_status_display().lower()}",
        )
        notice_queue(person=locked.person, reason=PortalNotice.Reason.REQUEST_ANSWERED)
    return locked
