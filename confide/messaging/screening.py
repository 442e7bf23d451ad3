"""The one place messages are screened for crisis language: swap the screen here only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from confide.clients.screening import flagged_categories, labels_of, needs_attention
from confide.lib.crypto import DecryptionError

if TYPE_CHECKING:
    from confide.messaging.models import Message


def crisis_language(text: str) -> bool:
    """Return True when the message's words may signal a crisis (a flag, never a block)."""
    return needs_attention(text)


def crisis_labels(text: str) -> list[str]:
    """Return the therapist's words for what the screen flags in a message; [] when nothing."""
    return labels_of(flagged_categories(text)) if text else []


def with_flag_labels(rows: Iterable[Message]) -> None:
    """Attach to each flagged message, as ``found``, what the screen flags in it, for the office.

    Read again from the opened words, never stored; a message that does not open lists none.
    """
    for message in rows:
        found: list[str] = []
        if message.flagged_at is not None:
            try:
                found = crisis_labels(message.body)
            except DecryptionError:
                found = []
        message.found = found  # type: ignore[attr-defined]
