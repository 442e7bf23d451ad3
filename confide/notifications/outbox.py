"""An email backend that keeps messages in the database: the demo's outbox, read in the office."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from confide.notifications.models import OutboxMessage


def _text(content: object) -> str | None:
    if isinstance(content, bytes):
        try:
            return content.decode()
        except UnicodeDecodeError:
            return None
    return content if isinstance(content, str) else None


def _attachments(message: EmailMessage) -> list[dict[str, str | None]]:
    kept: list[dict[str, str | None]] = []
    for attachment in message.attachments:
        # Attachments made with attach() are (filename, content, mimetype) named tuples.
        if not isinstance(attachment, tuple):
            kept.append({"filename": None, "mimetype": None, "content": None})
            continue
        filename, content, mimetype = attachment
        text = _text(content) if str(mimetype).startswith("text/") else None
        kept.append({"filename": filename, "mimetype": mimetype, "content": text})
    return kept


class OutboxBackend(BaseEmailBackend):
    """Store each message as an OutboxMessage the therapist can read in the office."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            message.message()  # Validate the headers as a real send would.
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next(
                    (str(body) for body, kind in message.alternatives if kind == "text/html"), ""
                )
            OutboxMessage.objects.create(
                from_email=str(message.from_email),
                to=", ".join(message.recipients()),
                subject=str(message.subject),
                text=str(message.body),
                html=html,
                attachments=_attachments(message),
            )
            sent += 1
        return sent
