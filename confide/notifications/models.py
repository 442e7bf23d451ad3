"""The demo outbox, and the record of appointment messages that makes sending them idempotent."""

from __future__ import annotations

from django.db import models

from confide.notifications.events import Audience, Event
from confide.scheduling.models import Appointment


class OutboxMessage(models.Model):
    """An email kept in the database instead of sent, so a demo install shows what would go out."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField("from", max_length=320)
    to = models.TextField(help_text="Every recipient, comma-separated.")
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
    """A message about an appointment, claimed before it is sent so that it goes out once."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="sent_messages"
    )
    event = models.CharField(max_length=16, choices=Event)
    audience = models.CharField(max_length=12, choices=Audience)
    with_calendar = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "event", "audience"], name="sent_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} to {self.get_audience_display().lower()}"
