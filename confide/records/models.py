"""A person's requests to correct or delete their record, and neutral notices sent to them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from confide.clients.models import Client, Person
from confide.clients.sealed import sealed_text
from confide.intake.models import AnswerFlag

# HIPAA (45 CFR 164.526(b)(2)): an amendment is acted on within 60 days of the request.
ANSWER_WITHIN = dt.timedelta(days=60)


def _request_binding(request: RecordRequest) -> str:
    # The words open only on the row of the person and the kind they were written for.
    return f"person={request.person.uid};kind={request.kind}"


class RecordRequest(models.Model):
    """A person's request to correct or delete part of their record, and the office's answer."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        DELETION = "deletion", "Deletion"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        PARTLY = "partly", "Accepted in part"
        DENIED = "denied", "Declined"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="record_requests")
    # The person's client, for scoping in the office (a clinician sees their own clients').
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="record_requests")
    kind = models.CharField(max_length=12, choices=Kind)
    what_sealed = models.TextField(editable=False)
    why_sealed = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    created_at = models.DateTimeField()
    answer_due = models.DateTimeField()
    answer_sealed = models.TextField(blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as it was on the day, like a note's signer: the account may be renamed or removed.
    answered_by_name = models.CharField(max_length=150, blank=True)
    answered_by_role = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["client", "created_at"],
                name="record_request_waiting",
                condition=models.Q(status="waiting"),
            )
        ]

    what = sealed_text("what_sealed", "what", _request_binding)
    why = sealed_text("why_sealed", "why", _request_binding)
    answer = sealed_text("answer_sealed", "answer", _request_binding)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.uid}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING


class PortalNotice(models.Model):
    """A neutral "there is an update in your portal" message owed to one person.

    It says nothing but that; ``reason`` is for the office and the tests, never for the message.
    """

    class Reason(models.TextChoices):
        REQUEST_ANSWERED = "request_answered", "A request was answered"
        PAPERWORK = "paperwork", "Paperwork is waiting"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        DROPPED = "dropped", "Not sent"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portal_notices")
    reason = models.CharField(max_length=20, choices=Reason)
    channel = models.CharField(max_length=8)
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    outcome = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the task that sends it; a second run of the same task sends again (decision 17).
    claimed_by_task = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Portal notice {self.pk} by {self.channel}"


def _flag_binding(flag: RequestFlag) -> str:
    return f"person={flag.person.uid};kind={flag.follow_up}"


class RequestFlag(models.Model):
    """A request whose words the crisis screen flagged, and what the therapist did about it.

    Raised when the person sends the request; it never stops or delays the request. A follow-up
    takes it off Today but never off the record. The categories are not kept: the office reads
    them from the request itself, which is sealed. The follow-up's kinds are intake's.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="request_flags")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="request_flags")
    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="flags")
    raised_at = models.DateTimeField()
    follow_up = models.CharField(max_length=12, choices=AnswerFlag.FollowUp, blank=True)
    follow_up_note_sealed = models.TextField(blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["followed_up_at"], name="record_request_flag_open")]

    follow_up_note = sealed_text("follow_up_note_sealed", "follow_up_note", _flag_binding)

    def __str__(self) -> str:
        return f"Flag on a request about a record, {self.raised_at:%Y-%m-%d}"
