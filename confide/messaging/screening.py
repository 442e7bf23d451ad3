"""The one place messages are screened for crisis language: swap the screen here only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from confide.clients.screening import flagged_categories, labels_of, needs_attention
from confide.lib.crypto import DecryptionError

if TYPE_CHECKING:
    from confide.messaging.models import Message


# How much of an attached plain text file the screen reads: a large file keeps the send quick.
SCREENED_FILE_CHARS = 100_000


def crisis_language(text: str) -> bool:
    """Return True when the message's words may signal a crisis (a flag, never a block)."""
    return needs_attention(text)


def crisis_labels(text: str) -> list[str]:
    """Return the therapist's words for what the screen flags in a message; [] when nothing."""
    return labels_of(flagged_categories(text)) if text else []


def with_flag_labels(rows: Iterable[Message]) -> None:
    """Attach to each flagged message, as ``found``, what the screen flags in it, for the office.

    Read again from the opened words, never stored; a message that does not open lists none.
    When the words that flagged are in an attached text file rather than the message itself,
    ``found_in_file`` says so, so that the therapist opens the file. Callers prefetch
    ``attachments``.
    """
    for message in rows:
        found: list[str] = []
        in_file = False
        if message.flagged_at is not None:
            try:
                found = crisis_labels(message.body)
                if not found:
                    found = crisis_labels(_attached_words(message))
                    in_file = bool(found)
            except DecryptionError:
                found = []
        message.found = found  # type: ignore[attr-defined]
        message.found_in_file = in_file  # type: ignore[attr-defined]


def _attached_words(message: Message) -> str:
    """Return the text of the message's plain text files, as far as the screen reads them."""
    return "\n".join(
        file_words(attachment.data)
        for attachment in message.attachments.all()
        if attachment.content_type == "text/plain"
    )


def file_words(data: bytes) -> str:
    """Return the first ``SCREENED_FILE_CHARS`` characters of a plain text file's bytes."""
    # A UTF-8 character takes at most four bytes; a cut one reads as a replacement character.
    return data[: SCREENED_FILE_CHARS * 4].decode("utf-8", errors="replace")[:SCREENED_FILE_CHARS]
