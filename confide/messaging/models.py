"""Threads of secure messages, their attachments, and the notices that one is waiting.

Each person of a client (each partner of a couple apart) has one thread with the client's
clinician. Bodies and attachments are sealed at rest, bound to their row and thread.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from confide.clients.models import Person
from confide.clients.sealed import sealed_bytes, sealed_text
from confide.measures.models import MeasureFlag

# A message's flag is followed up the way a measure's is: the same kinds, in the same words.
FollowUp = MeasureFlag.FollowUp


def _follow_up_binding(message: Message) -> str:
    return f"thread={message.thread.uid};kind={message.follow_up}"


class Thread(models.Model):
    """The one conversation between a person and their client's clinician."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="message_thread")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When each side last opened the thread: what came after is unread.
    person_read_at = models.DateTimeField(null=True, blank=True)
    office_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]

    def __str__(self) -> str:
        return f"Messages of person {self.person_id}"


class Message(models.Model):
    """One message; written by the person, or by staff for the practice."""

    class Sender(models.TextChoices):
        PERSON = "person", "The client"
        PRACTICE = "practice", "The practice"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    body_sealed = models.TextField(editable=False)
    sent_at = models.DateTimeField(db_index=True)
    # Set when screening found words that may signal a crisis; kept once followed up.
    flagged_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followed_up_by_name = models.CharField(max_length=150, blank=True)
    follow_up = models.CharField(max_length=12, choices=FollowUp, blank=True)
    follow_up_note_sealed = models.TextField(blank=True, editable=False)

    body = sealed_text("body_sealed", "body", binding=lambda m: f"{m.thread.uid}:{m.sender}")
    # What was done, in a few words, when the kind is "other"; sealed like the body.
    follow_up_note = sealed_text("follow_up_note_sealed", "follow_up_note", _follow_up_binding)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["flagged_at", "followed_up_at"])]

    def __str__(self) -> str:
        return f"Message {self.uid}"

    def needs_follow_up(self) -> bool:
        """Return True while a flag on this message waits for someone to follow it up."""
        return self.flagged_at is not None and self.followed_up_at is None


class Attachment(models.Model):
    """A file sent with a message, sealed like a client's documents."""

    MAX_BYTES = 10 * 1024 * 1024
    EXTENSIONS = {
        "application/pdf": ".pdf",
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/heic": ".heic",
        "text/plain": ".txt",
    }

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # A file's name can say as much as its content: sealed too.
    name_sealed = models.TextField(editable=False)
    data_sealed = models.TextField(editable=False)

    name = sealed_text("name_sealed", "name", binding=lambda a: str(a.message.uid))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Attachment {self.uid}"

    data: bytes = sealed_bytes("data_sealed", "data", binding=lambda a: str(a.message.uid))

    def filename(self) -> str:
        """Return a download name: the sender's own name for it, tidied, with the right ending."""
        stem = self.name.rsplit(".", 1)[0] if "." in self.name else self.name
        tidy = "".join(c if c.isalnum() or c in "-_ " else "_" for c in stem).strip() or "file"
        return tidy[:80] + self.EXTENSIONS.get(self.content_type, "")


class Notice(models.Model):
    """A word that a message is waiting, to the person or to the clinician; one per batch."""

    class Audience(models.TextChoices):
        PERSON = "person", "The client"
        CLINICIAN = "clinician", "The clinician"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="notices")
    audience = models.CharField(max_length=10, choices=Audience)
    channel = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    claimed_by_task = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when it is settled without sending (read in the meantime, no way to reach them).
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk} to {self.audience}"

    @property
    def waiting(self) -> bool:
        return self.sent_at is None and self.finished_at is None
