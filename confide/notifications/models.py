"""The demo outbox, appointment messages claimed and sent, reminders, and the workers' leases."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q

from confide.notifications.events import Audience, Event
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment


class OutboxMessage(models.Model):
    """A message kept in the database instead of sent, so a demo install shows what would go out."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"

    kind = models.CharField(max_length=8, choices=Kind, default=Kind.EMAIL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField("from", max_length=320)
    to = models.TextField(help_text="Every recipient (address or phone number), comma-separated.")
    subject = models.TextField()
    text = models.TextField("plain text", blank=True)
    html = models.TextField("HTML", blank=True)
    # [{"filename", "mimetype", "content"}]; content only for text parts, such as calendar files.
    attachments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outbox message"
        verbose_name_plural = "outbox"

    def __str__(self) -> str:
        return self.subject

    def attachment_names(self) -> str:
        return ", ".join(a.get("filename") or "(unnamed)" for a in self.attachments)


class SentMessage(models.Model):
    """A message about an appointment, claimed before it is sent and marked once it has gone.

    The unique row makes a second task for the same message stop. A claim left "sending" by a
    worker that died is sent again by the same task when the sweeper gives it back, with the same
    Message-ID: the message may then arrive twice, and is never lost.
    """

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="sent_messages"
    )
    event = models.CharField(max_length=16, choices=Event)
    audience = models.CharField(max_length=12, choices=Audience)
    with_calendar = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status, default=Status.SENDING)
    # The id of the task result that claimed it: that task, run again, may send it again.
    claimed_by_task = models.CharField(max_length=64, blank=True, editable=False)
    # The Message-IDs' random part, the same on every attempt (see message_key()).
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "event", "audience"], name="sent_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} to {self.get_audience_display().lower()}"

    def message_key(self, index: int) -> str:
        """Return the Message-ID key of the message to the recipient at ``index``.

        Each recipient (each partner of a couple) gets a Message-ID of their own, stable across
        attempts, naming no one.
        """
        return f"{self.key}.{index}"


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def due(self, now: dt.datetime) -> ReminderQuerySet:
        """Return pending reminders whose time has come, oldest first (the claim's query)."""
        return self.filter(status=Reminder.Status.PENDING, send_at__lte=now).order_by("send_at")


class Reminder(models.Model):
    """One message due at a set time: an appointment reminder, or a clinician's morning agenda.

    A reminder belongs to one recipient and one channel. ``recipient_key`` names the recipient
    ("consultation:12" today; a couple's partners get keys of their own), so each person gets
    their own reminder by their own preferences. The row is the queue: workers claim pending
    rows whose ``send_at`` has come, and record every outcome here for the office to see.
    """

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", "Appointment reminder"
        AGENDA = "agenda", "Morning agenda"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    # Left by the sweeper on a reminder whose worker died while sending it, and kept once sent.
    SWEPT_NOTE = "Sent again after a worker stopped: it may arrive twice."

    kind = models.CharField(max_length=12, choices=Kind, default=Kind.APPOINTMENT)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="reminders")
    agenda_date = models.DateField(null=True, blank=True)
    recipient_key = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel, default=Channel.EMAIL)
    offset_minutes = models.PositiveIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(help_text="When it was meant to go, before quiet hours.")
    send_at = models.DateTimeField(help_text="When it goes next.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=200, blank=True, help_text="Why it was skipped, or the last delivery error."
    )
    # The Message-ID of the email (and a reference for texts): the same on every attempt, so a
    # mail client can recognise a copy sent twice after a crash.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["send_at", "pk"]
        indexes = [
            # The claim's read: status = pending and send_at <= now, in send_at order, is one
            # range of this index, however long the history. Not a partial index: SQLite uses
            # one only when the query spells out the condition's literal, and Django binds it as
            # a parameter.
            models.Index(fields=["status", "send_at"], name="reminder_due"),
            models.Index(fields=["status", "updated_at"], name="reminder_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "recipient_key", "channel", "offset_minutes"],
                condition=Q(kind="appointment"),
                name="reminder_once_per_offset",
            ),
            models.UniqueConstraint(
                fields=["clinician", "agenda_date"],
                condition=Q(kind="agenda"),
                name="agenda_once_per_day",
            ),
            models.CheckConstraint(
                condition=Q(kind="agenda", agenda_date__isnull=False)
                | Q(kind="appointment", appointment__isnull=False, offset_minutes__isnull=False),
                name="reminder_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.AGENDA:
            return f"Morning agenda for {self.agenda_date}"
        hours = (self.offset_minutes or 0) / 60
        return f"{self.get_channel_display()} {hours:g} h before"

    @property
    def offset(self) -> dt.timedelta | None:
        return None if self.offset_minutes is None else dt.timedelta(minutes=self.offset_minutes)


class WorkerLease(models.Model):
    """A live worker process: it renews ``expires_at`` while it runs.

    When a lease lapses the worker is taken for dead, and a sweeper (any other worker) puts the
    tasks and reminders it held back in the queue.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    renewed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = "worker"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname} pid {self.pid})"


class FailedMessage(Reminder):
    """Reminders and agendas that could not be delivered: the office's list of what to follow up."""

    class Meta:
        proxy = True
        verbose_name = "failed message"
        verbose_name_plural = "failed messages"
