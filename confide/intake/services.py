"""Writes and reads of intake paperwork: versions, packets, consent, signatures and answers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.flags import flag_follow_up_record
from confide.clients.models import Client, Person
from confide.intake import pdf, questions, texts
from confide.intake.events import paperwork_sent
from confide.intake.models import (
    Answer,
    AnswerFlag,
    DocumentVersion,
    ESignConsent,
    IntakeDocument,
    PacketItem,
    Signature,
)
from confide.lib.crypto import DecryptionError
from confide.practice.models import Practice

Kind = IntakeDocument.Kind
INTENT = (
    "I have read this document, and by typing my name I sign it electronically, meaning to be "
    "bound by it as by my handwritten signature."
)


def contact() -> texts.Contact:
    """Return how to reach the practice, as the disclosure and releases name it."""
    practice = Practice.load()
    return texts.Contact(
        practice=practice.name,
        email=practice.email,
        phone=practice.phone,
        address=practice.address,
    )


# -- Versions ----------------------------------------------------------------------------------


def document_for_kind(kind: str) -> IntakeDocument:
    """Return the document of a kind, made on first use."""
    document, _ = IntakeDocument.objects.get_or_create(kind=kind)
    return document


def version_save(
    *,
    kind: str,
    title: str,
    body: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    request: HttpRequest | None = None,
) -> DocumentVersion:
    """Save new wording of a document as its next version; earlier versions stay as they were."""
    if kind not in Kind.values:
        raise ValidationError("There is no such document.")
    if not title.strip() or not body.strip():
        raise ValidationError("A document needs a title and its text.")
    with transaction.atomic():
        # Lock the document so that two saves at once cannot both take the same number.
        document = IntakeDocument.objects.select_for_update().get(pk=document_for_kind(kind).pk)
        latest = document.versions.aggregate(latest=Max("number"))["latest"] or 0
        current = document.versions.filter(number=latest).first()
        if current is not None and (current.title, current.body) == (title.strip(), body.strip()):
            return current
        version = DocumentVersion(
            document=document,
            number=latest + 1,
            title=title.strip(),
            body=body.strip(),
            created_by=actor if isinstance(actor, User) else None,
        )
        version.save()
        if request is not None:
            audit_record(
                request=request,
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                target_type="intake_document",
                target_uid=version.uid,
                client_uid=None,
                summary=f"{document.get_kind_display()}: version {version.number} saved",
            )
    return version


# -- Packets -----------------------------------------------------------------------------------


def default_kinds(client: Client) -> list[str]:
    """Return the kinds the practice's default packet sends to this client's people."""
    kinds = []
    for document in IntakeDocument.objects.filter(in_default_packet=True).order_by("pk"):
        if document.is_release or document.current_version() is None:
            continue
        if document.kind == Kind.COUPLES and client.kind != Client.Kind.COUPLE:
            continue
        kinds.append(document.kind)
    return kinds


def _release_details(kind: str, details: texts.ReleaseDetails | None) -> texts.ReleaseDetails:
    if details is None:
        raise ValidationError(
            "A release needs its particulars: what, who, to whom, why and until when."
        )
    missing = [label for label, value in details.rows() if not value.strip()]
    if missing:
        raise ValidationError(f"A release needs every particular; missing: {', '.join(missing)}.")
    if kind == Kind.RELEASE and texts.mentions_psychotherapy_notes(details.information):
        raise ValidationError(
            "Psychotherapy notes are released only on their own form: send a release of "
            "psychotherapy notes by itself."
        )
    return details


def packet_send(
    *,
    client: Client,
    people: Iterable[Person],
    items: Sequence[str] | None = None,
    release: texts.ReleaseDetails | None = None,
    actor: AbstractBaseUser | AnonymousUser | None,
    now: dt.datetime,
    request: HttpRequest | None = None,
    announce: bool = True,
) -> list[PacketItem]:
    """Send documents to each person: ``items`` (kinds), or the practice's default packet.

    A document a person still has to sign is not sent twice. A release goes with its particulars
    and a release of psychotherapy notes only on its own, never with another document.
    ``announce=False`` tells listeners that the people hear of it otherwise (the invitation
    that carries the packet), so that no second notice goes.
    """
    people = list(people)
    if not people or any(person.client_id != client.pk for person in people):
        raise ValidationError("Choose who should receive the paperwork.")
    kinds = list(dict.fromkeys(items)) if items is not None else default_kinds(client)
    if not kinds:
        raise ValidationError("Nothing to send: choose at least one document.")
    if Kind.RELEASE_NOTES in kinds and len(kinds) > 1:
        raise ValidationError(
            "A release of psychotherapy notes is never combined with another document: send it "
            "on its own."
        )
    documents = {d.kind: d for d in IntakeDocument.objects.filter(kind__in=kinds)}
    for kind in kinds:
        if kind not in Kind.values:
            raise ValidationError("There is no such document.")
        document = documents.get(kind)
        if document is None or document.current_version() is None:
            raise ValidationError(f"{Kind(kind).label} has no text yet.")
    details = None
    if any(kind in IntakeDocument.RELEASES for kind in kinds):
        if sum(kind in IntakeDocument.RELEASES for kind in kinds) > 1:
            raise ValidationError("Send one release at a time, each with its own particulars.")
        release_kind = next(kind for kind in kinds if kind in IntakeDocument.RELEASES)
        details = _release_details(release_kind, release)
    sent: list[PacketItem] = []
    with transaction.atomic():
        for person in people:
            waiting = set(
                PacketItem.objects.filter(person=person, signature__isnull=True).values_list(
                    "document__kind", flat=True
                )
            )
            for kind in kinds:
                if kind in waiting and kind not in IntakeDocument.RELEASES:
                    continue
                item = PacketItem(
                    client=client,
                    person=person,
                    document=documents[kind],
                    sent_at=now,
                    sent_by=actor if isinstance(actor, User) else None,
                )
                if kind in IntakeDocument.RELEASES and details is not None:
                    item.details_json = json.dumps(details.__dict__)
                item.save()
                sent.append(item)
        if sent and request is not None:
            audit_record(
                request=request,
                actor=actor,
                action=AuditEvent.Action.CHANGE,
                target_type="intake_packet",
                target_uid=client.uid,
                client_uid=client.uid,
                summary=f"sent {len(sent)} intake documents",
            )
        if sent:
            reached = {item.person_id for item in sent}
            paperwork_sent.send(
                sender=PacketItem,
                people=[p for p in people if p.pk in reached],
                now=now,
                announce=announce,
            )
    return sent


def portal_invite_with_packet(
    *,
    person: Person,
    actor: AbstractBaseUser | AnonymousUser,
    now: dt.datetime,
    request: HttpRequest | None = None,
) -> tuple[Any, list[PacketItem], str]:
    """Invite the person to the portal with the practice's default packet, in one message.

    Return the invitation, the items sent, and why none were when the packet could not go (the
    invitation goes anyway). Raise the portal's PortalError, sending nothing, when the person
    cannot be invited.
    """
    from confide.portal.services import portal_invite

    with transaction.atomic():
        invitation = portal_invite(person=person, actor=actor, request=request)
        if not default_kinds(person.client):
            return invitation, [], "The practice's paperwork has no documents to send yet."
        try:
            with transaction.atomic():
                sent = packet_send(
                    client=person.client, people=[person], actor=actor, now=now,
                    request=request, announce=False,
                )  # fmt: skip
        except ValidationError as error:
            return invitation, [], " ".join(error.messages)
    if not sent:
        return invitation, [], "The practice's paperwork is already waiting for them to sign."
    return invitation, sent, ""


def release_details_of(item: PacketItem) -> texts.ReleaseDetails | None:
    """Return a release's particulars, or None for a document that is not a release."""
    if not item.details_sealed:
        return None
    return texts.ReleaseDetails(**json.loads(item.details_json))


# -- Consent to sign electronically ------------------------------------------------------------


def esign_consent_record(*, person: Person, address: str | None, now: dt.datetime) -> ESignConsent:
    """Record the person's consent to sign electronically, once while it is in force; return it."""
    with transaction.atomic():
        existing = esign_consent_of(person)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return ESignConsent.objects.create(
                    person=person,
                    disclosure_version=texts.DISCLOSURE_VERSION,
                    consented_at=now,
                    address=address or None,
                )
        except IntegrityError:
            # Agreed twice at once (two tabs): the other request's consent stands.
            consent = esign_consent_of(person)
            assert consent is not None
            return consent


def esign_consent_withdraw(*, person: Person, now: dt.datetime) -> bool:
    """Withdraw the person's consent to sign electronically; return False if none was in force.

    What they signed stays signed; a next signature asks for their consent again.
    """
    withdrawn = ESignConsent.objects.filter(person=person, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    if withdrawn:
        audit_record(
            request=None,
            actor=None,
            action=AuditEvent.Action.CHANGE,
            target_type="intake_esign_consent",
            target_uid=person.uid,
            client_uid=person.client.uid,
            summary="consent to sign electronically withdrawn",
        )
    return bool(withdrawn)


def esign_withdrawn_at(person: Person) -> dt.datetime | None:
    """Return when the person withdrew consent to sign electronically, unless given again since."""
    latest = ESignConsent.objects.filter(person=person).order_by("consented_at", "pk").last()
    return latest.withdrawn_at if latest is not None else None


def esign_consent_of(person: Person) -> ESignConsent | None:
    """Return the person's consent to sign electronically in force, or None if none is."""
    return ESignConsent.objects.filter(person=person, withdrawn_at__isnull=True).first()


# -- Signing -----------------------------------------------------------------------------------


class SigningError(ValidationError):
    """A signature that cannot be taken, with a message for the person."""


def item_to_sign(person: Person, document: IntakeDocument) -> PacketItem | None:
    """Return the person's oldest unsigned item of this document, or None when none waits."""
    return (
        PacketItem.objects.filter(person=person, document=document, signature__isnull=True)
        .order_by("sent_at", "pk")
        .first()
    )


def shown_paper(
    *, item: PacketItem, version: DocumentVersion
) -> tuple[list[pdf.Block], list[tuple[str, str]], list[str]]:
    """Return what a person is shown to sign: the text's blocks, particulars and statements."""
    blocks = pdf.blocks_of(version.body_html)
    details = release_details_of(item)
    particulars = details.rows() if details is not None else []
    statements = texts.release_statements(contact()) if item.document.is_release else []
    return blocks, particulars, statements


def _moment(when: dt.datetime) -> str:
    zone = zoneinfo.ZoneInfo(Practice.load().time_zone)
    local = when.astimezone(zone)
    hour = local.strftime("%I").lstrip("0")
    return (
        f"{local:%B} {local.day}, {local:%Y} at {hour}:{local:%M} {local:%p} {local:%Z} "
        f"({when.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC)"
    )


def document_sign(
    *,
    person: Person,
    version: DocumentVersion,
    typed_name: str,
    intent: bool,
    address: str | None,
    now: dt.datetime | None = None,
) -> Signature:
    """Sign the version for the person: freeze it as a PDF, hash it, keep it sealed.

    Refused (SigningError) before the person consented to sign electronically, without the
    intent ticked or a name typed, when nothing of this document waits for them, or when the
    version is no longer the current one (they must read what they sign).
    """
    now = now or timezone.now()
    typed = " ".join(typed_name.split())
    if esign_consent_of(person) is None:
        raise SigningError("Before a first signature, read and accept how signing here works.")
    if len(typed) < 2:
        raise SigningError("Type your full name to sign.")
    if not intent:
        raise SigningError("Tick the box to say that you mean to sign.")
    current = version.document.current_version()
    if current is None or current.pk != version.pk:
        raise SigningError("This document has changed since you opened it: read it again to sign.")
    consent = esign_consent_of(person)
    assert consent is not None
    practice = Practice.load()
    with transaction.atomic():
        item = item_to_sign(person, version.document)
        if item is None:
            raise SigningError("There is nothing of this document waiting for your signature.")
        item = PacketItem.objects.select_for_update().get(pk=item.pk)
        blocks, particulars, statements = shown_paper(item=item, version=version)
        signature = Signature(
            item=item,
            person=person,
            version=version,
            typed_name=typed,
            signed_at=now.replace(microsecond=0),
            address=address or None,
        )
        lines = [line.strip() for line in practice.address.splitlines() if line.strip()]
        if practice.phone:
            lines.append(f"Phone {practice.phone}")
        paper = pdf.SignedPaper(
            practice_name=practice.name,
            practice_lines=tuple(lines),
            title=version.title,
            version_number=version.number,
            version_written=timezone.localtime(
                version.created_at, zoneinfo.ZoneInfo(practice.time_zone)
            ).date(),
            version_uid=str(version.uid),
            blocks=tuple(blocks),
            particulars=tuple(particulars),
            statements=tuple(statements),
            intent=INTENT,
            typed_name=typed,
            person_name=person.name,
            signed_at_text=_moment(signature.signed_at),
            signed_at=signature.signed_at,
            address=address or "",
            consent_text=f"given {_moment(consent.consented_at)} "
            f"(disclosure of {consent.disclosure_version})",
        )
        data = pdf.render_signed(paper)
        signature.pdf = data
        signature.sha256 = hashlib.sha256(data).hexdigest()
        try:
            signature.save()
        except IntegrityError as error:
            raise SigningError("This document is already signed.") from error
        audit_record(
            request=None,
            actor=None,
            action=AuditEvent.Action.SIGN,
            target_type="intake_signature",
            target_uid=signature.uid,
            client_uid=person.client.uid,
            summary=f"{item.document.get_kind_display()} signed electronically",
        )
    return signature


# -- Progress ----------------------------------------------------------------------------------


@dataclass
class ItemProgress:
    item: PacketItem
    signature: Signature | None

    @property
    def signed(self) -> bool:
        return self.signature is not None

    def release_recipient(self) -> str:
        """Return to whom a release discloses (sealed: for clinical eyes), or "" for others."""
        details = release_details_of(self.item)
        return details.recipient if details is not None else ""


@dataclass
class PersonProgress:
    person: Person
    items: list[ItemProgress] = field(default_factory=list)
    questionnaire_answered: int = 0
    # When the person withdrew consent to sign electronically and has not given it again: from
    # then on they sign on paper, and the office offers the copies.
    paper_since: dt.datetime | None = None

    @property
    def signed(self) -> list[ItemProgress]:
        return [row for row in self.items if row.signed]

    @property
    def missing(self) -> list[ItemProgress]:
        return [row for row in self.items if not row.signed]

    @property
    def questionnaire_finished(self) -> bool:
        """Return True once every question has an answer (skipping one is an answer)."""
        return self.questionnaire_answered >= len(questions.QUESTIONS)


def packet_progress(client: Client) -> list[PersonProgress]:
    """Return, for each of the client's people, what was sent, signed and still missing."""
    people = list(client.people.all())
    progress = people_progress(people)
    return [progress[person.pk] for person in people]


def people_progress(
    people: Sequence[Person], *, with_answers: bool = True
) -> dict[int, PersonProgress]:
    """Return each person's progress by their pk, in three queries however many people there are.

    ``with_answers=False`` leaves the questionnaire uncounted, for eyes that never see it.
    """
    progress = {person.pk: PersonProgress(person=person) for person in people}
    items = (
        PacketItem.objects.filter(person__in=list(progress))
        .select_related("document", "signature", "signature__version")
        .order_by("person", "sent_at", "pk")
    )
    for item in items:
        progress[item.person_id].items.append(ItemProgress(item, item.signature_or_none()))
    # Each person's latest consent decides: withdrawn and not given again means paper.
    consents = ESignConsent.objects.filter(person__in=list(progress)).order_by(
        "person", "consented_at", "pk"
    )
    for consent in consents:
        progress[consent.person_id].paper_since = consent.withdrawn_at
    if with_answers:
        counts = Answer.objects.filter(person__in=list(progress)).values_list(
            "person_id", flat=True
        )
        for person_id in counts.order_by():
            progress[person_id].questionnaire_answered += 1
    return progress


def outstanding_progress(clients: Sequence[Client], *, with_answers: bool) -> None:
    """Set ``intake_progress`` on each client: its people with paperwork sent, in four queries.

    The clients' ``people`` are read from a prefetch when there is one.
    """
    people = [person for client in clients for person in client.people.all()]
    progress = people_progress(people, with_answers=with_answers)
    for client in clients:
        client.intake_progress = [  # type: ignore[attr-defined]
            progress[person.pk] for person in client.people.all() if progress[person.pk].items
        ]


def outstanding(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Return those of the clients with a document sent and not yet signed."""
    waiting = PacketItem.objects.filter(client=OuterRef("pk"), signature__isnull=True)
    return clients.filter(Exists(waiting))


def signatures_of(person: Person) -> list[Signature]:
    """Return every document the person signed, the latest first."""
    return list(Signature.objects.filter(person=person).select_related("version", "item__document"))


def signed_papers_export(people: list[Person], *, with_data: bool) -> list[dict[str, Any]]:
    """Return the people's signed documents as plain data for a record export.

    Each PDF comes in base64 when ``with_data``; one that does not open is listed all the same,
    so that nobody takes the export for the whole record.
    """
    signatures = (
        Signature.objects.filter(person__in=people)
        .select_related("version", "person", "item__document")
        .order_by("signed_at", "pk")
    )
    exported = []
    for signature in signatures:
        entry: dict[str, Any] = {
            "id": str(signature.uid),
            "person": signature.person.name,
            "document": signature.item.document.get_kind_display(),
            "title": signature.version.title,
            "version": signature.version.number,
            "signed": signature.signed_at.isoformat(),
            "typed_name": signature.typed_name,
            "sha256": signature.sha256,
            "filename": signature.filename(),
        }
        if with_data:
            try:
                entry["pdf_base64"] = base64.b64encode(signature.pdf).decode("ascii")
            except DecryptionError:
                entry["pdf_base64"] = None
                entry["error"] = "could not be opened"
        exported.append(entry)
    return exported


# -- The questionnaire -------------------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """What a person gave for one question: their words, or that they would rather not."""

    text: str = ""
    skipped: bool = False


def answers_of(person: Person) -> dict[str, Given]:
    """Return the person's answers so far, by question key (unanswered questions left out)."""
    return {
        answer.question: Given(text=answer.text, skipped=answer.skipped)
        for answer in Answer.objects.filter(person=person).select_related("person")
        if answer.question in questions.BY_KEY
    }


def answer_needs_attention(text: str) -> bool:
    """Return True when the crisis screen flags words a person wrote in the questionnaire."""
    from confide.clients.screening import needs_attention

    return needs_attention(text)


def answers_need_attention(given: Mapping[str, Given]) -> bool:
    """Return True when any of a person's saved answers (``answers_of``) holds flagged words."""
    return any(
        questions.BY_KEY[key].screened and answer.text and answer_needs_attention(answer.text)
        for key, answer in given.items()
    )


def answers_save(*, person: Person, data: Mapping[str, Any], now: dt.datetime | None = None) -> int:
    """Save the questions in ``data`` (a questionnaire form's cleaned data); return how many.

    ``data[key]`` is the answer and ``data[key + "_skip"]`` the choice to talk about it in
    session instead. A question left empty and not skipped is cleared, so an answer can be
    taken back; questions not in ``data`` are left as they were. Words that are new or changed
    are screened: a flag is raised for the therapist, and the answer is saved all the same.
    """
    now = now or timezone.now()
    saved = 0
    with transaction.atomic():
        # One save at a time per person: the background save and the Save button arrive
        # together, and two that both found no answer would both insert one (PostgreSQL; on
        # SQLite the immediate transaction already queues them).
        Person.objects.select_for_update().filter(pk=person.pk).exists()
        for question in questions.QUESTIONS:
            if question.key not in data:
                continue
            value = data.get(question.key)
            text = value.isoformat() if isinstance(value, dt.date) else str(value or "").strip()
            skipped = bool(question.sensitive and data.get(f"{question.key}_skip"))
            if skipped:
                text = ""
            existing = Answer.objects.filter(person=person, question=question.key).first()
            if not text and not skipped:
                if existing is not None:
                    existing.delete()
                continue
            answer = existing or Answer(person=person, question=question.key)
            # Only new words raise a flag: saving the same answer again (autosave) does not.
            before = answer.text if existing is not None else ""
            answer.text = text
            answer.skipped = skipped
            answer.save()
            saved += 1
            if question.screened and text and text != before and answer_needs_attention(text):
                _answer_flag_raise(answer=answer, now=now)
    return saved


def _answer_flag_raise(*, answer: Answer, now: dt.datetime) -> None:
    """Raise a flag on the answer, unless one on it still waits for a follow-up."""
    if AnswerFlag.objects.filter(answer=answer, followed_up_at__isnull=True).exists():
        return
    person = answer.person
    AnswerFlag.objects.create(
        client_id=person.client_id,
        person=person,
        answer=answer,
        question=answer.question,
        raised_at=now,
    )


def open_answer_flags(clients: QuerySet[Client]) -> QuerySet[AnswerFlag]:
    """Return the flags on these clients' answers still waiting for a follow-up, newest first."""
    return (
        AnswerFlag.objects.filter(client__in=clients, followed_up_at__isnull=True)
        .select_related("client", "person", "answer__person")
        .order_by("-raised_at", "-pk")
    )


def answer_flag_follow_up(
    *,
    flag: AnswerFlag,
    kind: str,
    note: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    now: dt.datetime,
    request: HttpRequest | None,
) -> AnswerFlag:
    """Record what the therapist did about a flag; it leaves Today but stays on the record."""
    return flag_follow_up_record(
        flag=flag, kind=kind, note=note, actor=actor, now=now, request=request,
        target_type="intake_flag",
    )  # fmt: skip
