"""Writing, reading and following up secure messages; every door calls these.

A person writes only in their own thread; staff write for the practice in the thread of a
client in their scope. Each message a person sends is screened (``screening.crisis_language``):
a match sets ``flagged_at`` and nothing else, so the message is never blocked, delayed or
answered by a machine.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.http import HttpRequest

from confide.accounts.access import clinical_access
from confide.accounts.sessions import AnyUser
from confide.audit.models import AuditEvent
from confide.audit.services import audit_record
from confide.clients.models import Client, Person
from confide.lib.crypto import DecryptionError
from confide.messaging import notices
from confide.messaging.files import sniffed_type
from confide.messaging.models import Attachment, FollowUp, Message, Thread
from confide.messaging.screening import crisis_language, file_words

A = AuditEvent.Action
MAX_BODY = 10000


class MessageError(ValidationError):
    """A message that cannot be sent as it is; the words say why, and ``code`` names the field."""


@dataclass(frozen=True)
class Upload:
    """A file as it came in: the name the sender gave it and its bytes."""

    name: str
    data: bytes


def upload_check(upload: Upload) -> str:
    """Return the file's content type, read from its bytes; raise MessageError if refused."""
    if not upload.data:
        raise MessageError(
            "That file is empty. Choose another, or send the message without it.", code="file"
        )
    if len(upload.data) > Attachment.MAX_BYTES:
        raise MessageError(
            "That file is larger than 10 MB. A smaller one, or a photo, will do.", code="file"
        )
    kind = sniffed_type(upload.data)
    if kind is None:
        raise MessageError(
            "That kind of file can't be sent here. A PDF, a photo (JPEG, PNG or HEIC) or a "
            "plain text file can.",
            code="file",
        )
    return kind


def thread_of(person: Person) -> Thread:
    """Return the person's thread, made when first needed."""
    thread, _ = Thread.objects.get_or_create(person=person)
    return thread


def _check_body(body: str, upload: Upload | None) -> str:
    text = body.strip()
    if not text and upload is None:
        raise MessageError("Write a few words, or attach a file, before sending.", code="body")
    if len(text) > MAX_BODY:
        raise MessageError(f"Please keep a message under {MAX_BODY:,} characters.", code="body")
    return text


def words_to_screen(body: str, upload: Upload | None, kind: str | None = None) -> str:
    """Return what a person wrote in a message: its text, and a plain text file's first words.

    A file a person attaches may be a letter they wrote; only plain text can be read without
    guessing, and only its first ``SCREENED_FILE_CHARS`` characters, so that a large file keeps
    the send quick. A PDF or a photo is not read. ``kind`` is the upload's type when it has
    been read already (``upload_check``), which spares reading a large file twice.
    """
    if upload is None or not upload.data:
        return body
    if (kind or sniffed_type(upload.data)) != "text/plain":
        return body
    return "\n".join(part for part in (body, file_words(upload.data)) if part)


def _shown_name(user: User) -> str:
    """Return the name a person sees on a message from staff: their clinician's name, if any."""
    clinician = getattr(getattr(user, "staff_profile", None), "clinician", None)
    if clinician is not None:
        return str(clinician.name)
    return user.get_full_name() or "The practice"


def _message_add(
    *,
    thread: Thread,
    sender: str,
    body: str,
    upload: Upload | None,
    now: dt.datetime,
    author: User | None = None,
    flagged: bool = False,
    kind: str | None = None,
) -> Message:
    if kind is None and upload is not None:
        kind = upload_check(upload)
    message = Message(
        thread=thread,
        sender=sender,
        author=author,
        author_name=_shown_name(author) if author is not None else "",
        sent_at=now,
        flagged_at=now if flagged else None,
    )
    message.body = body
    message.save()
    if upload is not None and kind is not None:
        attachment = Attachment(message=message, content_type=kind, size=len(upload.data))
        attachment.name = upload.name.rsplit("/", 1)[-1][:200] or "file"
        attachment.data = upload.data
        attachment.save()
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    return message


def message_send_by_person(
    *, person: Person, body: str, upload: Upload | None, now: dt.datetime
) -> Message:
    """Keep the person's message, screened, and let the clinician know one is waiting."""
    if person.client.anonymized_at:
        raise MessageError("Messages can't be sent from this page any more.", code="body")
    text = _check_body(body, upload)
    kind = upload_check(upload) if upload is not None else None
    words = words_to_screen(text, upload, kind)
    with transaction.atomic():
        thread = thread_of(person)
        message = _message_add(
            thread=thread,
            sender=Message.Sender.PERSON,
            body=text,
            upload=upload,
            now=now,
            flagged=bool(words) and crisis_language(words),
            kind=kind,
        )
        # Writing is reading: what came before is no longer new to the person.
        Thread.objects.filter(pk=thread.pk).update(person_read_at=now)
        notices.notice_plan(thread=thread, audience=notices.CLINICIAN, now=now)
    return message


def message_send_by_staff(
    *,
    person: Person,
    user: User,
    body: str,
    upload: Upload | None,
    request: HttpRequest | None,
    now: dt.datetime,
    read_by_office: bool = True,
) -> Message:
    """Keep a message from the practice to the person, audited, and tell them one is waiting.

    Writing in a thread is reading it; ``read_by_office=False`` is for a word the office sends
    without opening the thread (a document is ready), which leaves the person's unread words
    unread for their clinician.
    """
    if person.client.anonymized_at:
        raise MessageError("This record has been anonymized.", code="body")
    text = _check_body(body, upload)
    with transaction.atomic():
        thread = thread_of(person)
        message = _message_add(
            thread=thread,
            sender=Message.Sender.PRACTICE,
            body=text,
            upload=upload,
            now=now,
            author=user,
        )
        if read_by_office:
            Thread.objects.filter(pk=thread.pk).update(office_read_at=now)
        _audit(request, user, A.CREATE, "message", message.uid, person, "message sent")
        notices.notice_plan(thread=thread, audience=notices.PERSON, now=now)
    return message


def _audit(
    request: HttpRequest | None,
    user: AnyUser,
    action: str,
    target_type: str,
    target_uid: object,
    person: Person,
    summary: str,
) -> None:
    audit_record(
        request=request,
        actor=user,
        action=action,
        target_type=target_type,
        target_uid=target_uid,  # type: ignore[arg-type]
        client_uid=person.client.uid,
        summary=summary,
    )


def thread_read_by_person(*, thread: Thread, now: dt.datetime) -> None:
    """Record that the person has seen everything in their thread up to now."""
    Thread.objects.filter(pk=thread.pk).update(person_read_at=now)


def thread_opened_by_office(
    *, person: Person, user: AnyUser, request: HttpRequest | None, now: dt.datetime
) -> Thread | None:
    """Record (audited) that staff opened the person's messages; return the thread, if any."""
    thread = Thread.objects.filter(person=person).first()
    _audit(request, user, A.VIEW, "messages", person.uid, person, "messages read")
    if thread is not None:
        Thread.objects.filter(pk=thread.pk).update(office_read_at=now)
    return thread


def attachment_opened(
    *, attachment: Attachment, user: AnyUser, request: HttpRequest | None
) -> bytes:
    """Return an attachment's bytes for the office and record that it was opened."""
    data = attachment.data
    person = attachment.message.thread.person
    _audit(request, user, A.VIEW, "attachment", attachment.uid, person, "attachment opened")
    return data


def flag_follow_up(
    *,
    message: Message,
    user: User,
    kind: str,
    note: str = "",
    request: HttpRequest | None,
    now: dt.datetime,
) -> bool:
    """Record what was done about a flagged message, who and when; return False if already done.

    The kinds are the measures' (contacted, safety plan reviewed, other); "other" needs a note,
    which is sealed. Raise ValidationError for an unknown kind or "other" without a note.
    """
    if kind not in FollowUp.values:
        raise ValidationError("Choose what you did.")
    note = note.strip()
    if kind == FollowUp.OTHER and not note:
        raise ValidationError("Say briefly what you did.")
    # Sealed on a copy first: the note is bound to the kind, and written with the claim below.
    sealing = Message(pk=message.pk, uid=message.uid, thread=message.thread, follow_up=kind)
    sealing.follow_up_note = note
    done = Message.objects.filter(
        pk=message.pk, flagged_at__isnull=False, followed_up_at__isnull=True
    ).update(
        followed_up_at=now,
        followed_up_by=user,
        followed_up_by_name=user.get_username(),
        follow_up=kind,
        follow_up_note_sealed=sealing.follow_up_note_sealed,
    )
    if done:
        person = message.thread.person
        _audit(request, user, A.CHANGE, "message", message.uid, person, "flag followed up")
    return bool(done)


# The office's side: threads and messages within a staff member's scope, clinical roles only.


def _visible_clients(user: AnyUser) -> QuerySet[Client]:
    if not clinical_access(user):
        # A practice manager runs the schedule; messages are clinical and never theirs to read.
        raise PermissionDenied("Messages are for clinicians only.")
    return Client.objects.visible_to(user)


def person_for(user: AnyUser, uid: object) -> Person:
    """Return the person whose messages the user may read, or raise Http404/PermissionDenied."""
    from django.shortcuts import get_object_or_404

    people = Person.objects.filter(client__in=_visible_clients(user)).select_related(
        "client", "client__clinician"
    )
    return get_object_or_404(people, uid=uid)


def attachment_for(user: AnyUser, uid: object) -> Attachment:
    """Return an attachment of a thread in the user's scope, or raise Http404."""
    from django.shortcuts import get_object_or_404

    attachments = Attachment.objects.filter(
        message__thread__person__client__in=_visible_clients(user)
    ).select_related("message__thread__person__client")
    return get_object_or_404(attachments, uid=uid)


def message_for(user: AnyUser, uid: object) -> Message:
    from django.shortcuts import get_object_or_404

    messages = Message.objects.filter(
        thread__person__client__in=_visible_clients(user)
    ).select_related("thread__person__client")
    return get_object_or_404(messages, uid=uid)


def threads_for(user: AnyUser) -> QuerySet[Thread]:
    """Return the user's threads: waiting flags first (newest flag first), then unread, then
    the newest; each with ``open_flags``, ``unread`` and ``flag_time``."""
    open_flag = Q(messages__flagged_at__isnull=False, messages__followed_up_at__isnull=True)
    unread = Q(messages__sender=Message.Sender.PERSON) & (
        Q(office_read_at__isnull=True) | Q(messages__sent_at__gt=F("office_read_at"))
    )
    return (
        Thread.objects.filter(person__client__in=_visible_clients(user))
        .filter(last_message_at__isnull=False)
        .select_related("person", "person__client", "person__client__clinician")
        .annotate(
            open_flags=Count("messages", filter=open_flag, distinct=True),
            flag_time=Max("messages__flagged_at", filter=open_flag),
            unread=Count("messages", filter=unread, distinct=True),
        )
        .order_by(
            F("flag_time").desc(nulls_last=True),
            F("unread").desc(),
            F("last_message_at").desc(),
            "-pk",
        )
    )


def flagged_for(user: AnyUser) -> QuerySet[Message]:
    """Return flagged messages not yet followed up in the user's scope, newest flag first."""
    return (
        Message.objects.filter(
            thread__person__client__in=_visible_clients(user),
            flagged_at__isnull=False,
            followed_up_at__isnull=True,
        )
        .select_related("thread__person__client")
        .prefetch_related("attachments")
        .order_by("-flagged_at", "-pk")
    )


def unread_by_person(thread: Thread) -> int:
    """Return how many of the practice's messages came after the person last looked."""
    rows = thread.messages.filter(sender=Message.Sender.PRACTICE)
    if thread.person_read_at is not None:
        rows = rows.filter(sent_at__gt=thread.person_read_at)
    return rows.count()


def unread_by_office(thread: Thread) -> int:
    """Return how many of the person's messages came after the office last looked."""
    rows = thread.messages.filter(sender=Message.Sender.PERSON)
    if thread.office_read_at is not None:
        rows = rows.filter(sent_at__gt=thread.office_read_at)
    return rows.count()


def messages_export(people: list[Person], *, with_data: bool) -> list[dict[str, Any]]:
    """Return the people's own secure messages as plain data for a record export.

    Each thread is one person's, so a partner's messages never come with the other's. An
    attachment is listed by its name, and comes whole (base64) when ``with_data``; a value that
    does not open is listed all the same, so that nobody takes the export for the whole record.
    """
    messages = (
        Message.objects.filter(thread__person__in=people)
        .select_related("thread__person")
        .prefetch_related("attachments")
        .order_by("sent_at", "pk")
    )
    exported = []
    for message in messages:
        entry: dict[str, Any] = {
            "id": str(message.uid),
            "person": message.thread.person.name,
            "sent": message.sent_at.isoformat(),
            "from": (
                message.thread.person.name
                if message.sender == Message.Sender.PERSON
                else message.author_name or "The practice"
            ),
        }
        try:
            entry["body"] = message.body
        except DecryptionError:
            entry["body"] = None
            entry["error"] = "could not be opened"
        entry["attachments"] = [
            _attachment_export(attachment, with_data=with_data)
            for attachment in message.attachments.all()
        ]
        exported.append(entry)
    return exported


def _attachment_export(attachment: Attachment, *, with_data: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"content_type": attachment.content_type, "size": attachment.size}
    try:
        entry["name"] = attachment.name
        entry["filename"] = attachment.filename()
        if with_data:
            entry["data_base64"] = base64.b64encode(attachment.data).decode("ascii")
    except DecryptionError:
        entry["error"] = "could not be opened"
    return entry
