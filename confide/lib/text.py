"""Neutralise invisible formatting and control characters in text a person types."""

from __future__ import annotations

import unicodedata

# Joiners shape Persian, Arabic and Indic words and build emoji; they cannot reorder or hide
# text, so they stay. Every other format character (bidirectional overrides and isolates,
# zero-width spaces, byte order marks, soft hyphens) is removed.
_KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
_LINE_BREAKS = frozenset({"\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"})


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return ``value`` NFC-normalized without invisible formatting or control characters.

    Multi-line text keeps its line breaks (as ``\\n``) and tabs; in a single line each becomes
    a space, since a name or a short answer never holds one on purpose.
    """
    kept: list[str] = []
    for char in value.replace("\r\n", "\n"):
        if char in _LINE_BREAKS:
            kept.append("\n" if multiline else " ")
        elif char == "\t":
            kept.append("\t" if multiline else " ")
        elif char in _KEPT_FORMAT or unicodedata.category(char) not in {"Cc", "Cf"}:
            kept.append(char)
    # Normalize last, so an accent that followed a removed character still joins its letter.
    return unicodedata.normalize("NFC", "".join(kept))
