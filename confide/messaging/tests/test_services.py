"""Sealing, attachment limits, screening flags and follow-ups of secure messages."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from confide.audit.models import AuditEvent
from confide.clients.models import Person
from confide.messaging import screening, services
from confide.messaging.files import sniffed_type
from confide.messaging.models import Attachment, Message

NOW = dt.datetime(2027, 3, 10, 15, 0, tzinfo=dt.UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
CANARY = "CANARY-MESSAGE-7c2e I feel ashamed writing this"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (HEIC, "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00heic", "image/heic"),
        ("Plain words, with an accent: café.\r\n\tIndented.".encode(), "text/plain"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows program
        (b"PK\x03\x04\x14\x00", None),  # a zip, a Word file
        (b"<html>\x00</html>", None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00", None),  # a video
        (b"\xff\xfe\x00\x00", None),  # not UTF-8
    ],
)
def test_it_reads_a_files_kind_from_its_bytes(data: bytes, expected: str | None) -> None:
    assert sniffed_type(data) == expected


def _raw(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def test_it_keeps_bodies_and_files_sealed_at_rest(person: Person) -> None:
    services.message_send_by_person(
        person=person,
        body=CANARY,
        upload=services.Upload(name="CANARY-name-diary.txt", data=CANARY.encode()),
        now=NOW,
    )
    message = Message.objects.get()
    assert message.body == CANARY
    attachment = Attachment.objects.get()
    assert attachment.data == CANARY.encode()
    assert attachment.name == "CANARY-name-diary.txt"
    for table in ("messaging_message", "messaging_attachment", "messaging_notice"):
        for row in _raw(f"SELECT * FROM {table}"):  # noqa: S608 - fixed table names
            assert "CANARY" not in " ".join(str(value) for value in row)
    assert not AuditEvent.objects.filter(summary__icontains="canary").exists()


def test_a_body_moved_to_another_message_does_not_open(person: Person) -> None:
    from confide.lib.crypto import DecryptionError

    first = services.message_send_by_person(person=person, body="first", upload=None, now=NOW)
    second = services.message_send_by_person(person=person, body="second", upload=None, now=NOW)
    Message.objects.filter(pk=second.pk).update(body_sealed=first.body_sealed)
    with pytest.raises(DecryptionError):
        _ = Message.objects.get(pk=second.pk).body


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (services.Upload("big.pdf", b"%PDF-" + b"0" * Attachment.MAX_BYTES), "10 MB"),
        (services.Upload("empty.txt", b""), "empty"),
        (services.Upload("photo.png", b"MZ\x90\x00 a program named like a photo"), "kind of file"),
        (services.Upload("notes.docx", b"PK\x03\x04\x14\x00"), "kind of file"),
    ],
)
def test_it_refuses_files_too_large_or_of_another_kind(
    person: Person, upload: services.Upload, words: str
) -> None:
    with pytest.raises(services.MessageError) as refused:
        services.message_send_by_person(person=person, body="here", upload=upload, now=NOW)
    assert words in " ".join(refused.value.messages)
    assert not Message.objects.exists()


def test_a_photo_named_as_text_is_kept_as_what_it_is(person: Person) -> None:
    services.message_send_by_person(
        person=person, body="", upload=services.Upload("letter.txt", PNG), now=NOW
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.filename() == "letter.png"


def test_an_empty_message_is_refused(person: Person) -> None:
    with pytest.raises(services.MessageError):
        services.message_send_by_person(person=person, body="   ", upload=None, now=NOW)


def test_crisis_language_flags_the_message_and_sends_it_all_the_same(person: Person) -> None:
    message = services.message_send_by_person(
        person=person, body="Some nights I want to die.", upload=None, now=NOW
    )
    assert message.flagged_at == NOW
    assert message.pk is not None
    assert message.needs_follow_up()
    calm = services.message_send_by_person(
        person=person, body="See you Tuesday", upload=None, now=NOW
    )
    assert calm.flagged_at is None


def test_a_plain_text_file_is_screened_with_the_message(person: Person) -> None:
    letter = services.Upload("letter.txt", b"Dear future me,\nI want to end my life.")
    message = services.message_send_by_person(
        person=person, body="I wrote this last night", upload=letter, now=NOW
    )
    assert message.flagged_at == NOW
    # A file alone, with no words in the message, is screened too.
    alone = services.message_send_by_person(
        person=person, body="", upload=services.Upload("l.txt", b"I want to die"), now=NOW
    )
    assert alone.flagged_at == NOW
    calm = services.Upload("list.txt", b"Questions for Tuesday:\n- the new time\n- the bill")
    assert (
        services.message_send_by_person(person=person, body="", upload=calm, now=NOW).flagged_at
        is None
    )
    # A photo or a PDF is not read: bytes that happen to spell words there are not screened.
    pdf = services.Upload("scan.pdf", PDF + b"I want to die")
    message = services.message_send_by_person(person=person, body="My scan", upload=pdf, now=NOW)
    assert message.flagged_at is None


def test_only_the_start_of_a_long_text_file_is_screened() -> None:
    long = b"ordinary words " * 10_000 + b"I want to die"
    words = services.words_to_screen("", services.Upload("long.txt", long))
    assert len(words) == screening.SCREENED_FILE_CHARS
    assert "want to die" not in words
    # Three-byte characters: the bytes read end inside one, which is no error.
    euros = "€".encode() * screening.SCREENED_FILE_CHARS * 2
    assert screening.file_words(euros) == "€" * screening.SCREENED_FILE_CHARS


def test_screening_goes_through_one_function(person: Person) -> None:
    with mock.patch("confide.messaging.services.crisis_language", return_value=True) as screen:
        message = services.message_send_by_person(
            person=person, body="ordinary words", upload=None, now=NOW
        )
    screen.assert_called_once_with("ordinary words")
    assert message.flagged_at == NOW


def test_a_follow_up_keeps_who_and_when_once(person: Person, owner: User) -> None:
    message = services.message_send_by_person(
        person=person, body="I am not safe at home", upload=None, now=NOW
    )
    later = NOW + dt.timedelta(minutes=20)
    assert services.flag_follow_up(
        message=message, user=owner, kind="safety_plan", request=None, now=later
    )
    assert not services.flag_follow_up(
        message=message, user=owner, kind="contacted", request=None,
        now=later + dt.timedelta(hours=1),
    )  # fmt: skip
    message.refresh_from_db()
    assert (message.followed_up_at, message.followed_up_by, message.followed_up_by_name) == (
        later,
        owner,
        "owner",
    )
    assert message.follow_up == "safety_plan"
    assert message.get_follow_up_display() == "Reviewed the safety plan"
    assert message.flagged_at == NOW
    assert AuditEvent.objects.filter(target_uid=message.uid, summary="flag followed up").exists()


def test_flagged_threads_come_first_then_unread(
    owner: User, person: Person, partners: tuple[Person, Person]
) -> None:
    alex, jordan = partners
    services.message_send_by_person(person=alex, body="hello", upload=None, now=NOW)
    services.message_send_by_person(
        person=person, body="I want to die", upload=None, now=NOW - dt.timedelta(days=2)
    )
    services.message_send_by_staff(
        person=jordan, user=owner, body="A note from us", upload=None, request=None,
        now=NOW + dt.timedelta(hours=1),
    )  # fmt: skip
    order = [thread.person for thread in services.threads_for(owner)]
    assert order == [person, alex, jordan]
    flagged = list(services.flagged_for(owner))
    assert [m.thread.person for m in flagged] == [person]


def test_anonymizing_the_record_deletes_its_messages_and_files(person: Person) -> None:
    from django.contrib.auth.models import AnonymousUser

    from confide.clients.models import Client
    from confide.clients.services import client_anonymize
    from confide.messaging.models import Notice, Thread

    services.message_send_by_person(
        person=person, body=CANARY, upload=services.Upload("a.txt", b"words"), now=NOW
    )
    client = person.client
    Client.objects.filter(pk=client.pk).update(
        status=Client.Status.DISCHARGED, discharged_at=NOW - dt.timedelta(days=365 * 10)
    )
    client.refresh_from_db()
    client_anonymize(client=client, actor=AnonymousUser(), request=None, now=NOW, retention_years=6)
    assert not Thread.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notice.objects.exists()


def test_the_demo_office_has_one_short_conversation_once(demo: None) -> None:
    from django.utils import timezone

    from confide.demo.loading import office_demo_load
    from confide.messaging.demo import messaging_demo_load
    from confide.messaging.models import Notice, Thread

    office_demo_load(now=timezone.now())
    thread = Thread.objects.get()
    assert [m.sender for m in thread.messages.all()] == ["person", "practice"]
    assert "bus" in thread.messages.first().body  # type: ignore[union-attr]
    assert not Notice.objects.exists()
    assert messaging_demo_load(clients=[thread.person.client], now=timezone.now()) == 0


@pytest.mark.parametrize(("kind", "note"), [("", ""), ("called", ""), ("other", "  ")])
def test_a_follow_up_needs_a_known_kind_and_other_a_note(
    person: Person, owner: User, kind: str, note: str
) -> None:
    message = services.message_send_by_person(
        person=person, body="I am not safe at home", upload=None, now=NOW
    )
    with pytest.raises(ValidationError):
        services.flag_follow_up(
            message=message, user=owner, kind=kind, note=note, request=None, now=NOW
        )
    message.refresh_from_db()
    assert message.needs_follow_up()


def test_an_other_follow_up_keeps_its_note_sealed(person: Person, owner: User) -> None:
    message = services.message_send_by_person(
        person=person, body="I am not safe at home", upload=None, now=NOW
    )
    note = "CANARY-NOTE met at the clinic"
    assert services.flag_follow_up(
        message=message, user=owner, kind="other", note=f"  {note} ", request=None, now=NOW
    )
    message.refresh_from_db()
    assert (message.follow_up, message.follow_up_note) == ("other", note)
    with connection.cursor() as cursor:
        cursor.execute("SELECT follow_up_note_sealed FROM messaging_message")
        assert "CANARY" not in cursor.fetchone()[0]
