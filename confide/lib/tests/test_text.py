"""What is left of typed text once invisible formatting and control characters are gone."""

from __future__ import annotations

import pytest

from confide.lib.text import clean_text


@pytest.mark.parametrize(
    ("typed", "multiline", "expected"),
    [
        ("Sam", False, "Sam"),
        # Bidirectional embeddings, overrides and isolates would show a name reversed.
        ("\u202eSam", False, "Sam"),
        ("Sam\u202a\u202b\u202c\u202d\u202e", False, "Sam"),
        ("\u2066Sam\u2067\u2068\u2069", False, "Sam"),
        ("\u200e\u200fSam", False, "Sam"),
        # Zero-width space, byte order mark, soft hyphen, word joiner: invisible, so gone.
        ("S\u200bam\ufeff", False, "Sam"),
        ("Sa\u00adm\u2060", False, "Sam"),
        # Other control characters never belong in text a person types.
        ("Sam\x00\x07\x1b[31m", False, "Sam[31m"),
        ("Sam\x7f\x9b", False, "Sam"),
        # One line: line breaks and tabs become spaces.
        ("Sam\nLee", False, "Sam Lee"),
        ("Sam\r\nLee", False, "Sam Lee"),
        ("Sam\tLee", False, "Sam Lee"),
        ("Sam\u2028Lee", False, "Sam Lee"),
        # Several lines: line breaks (one spelling) and tabs stay.
        ("one\r\ntwo\rthree\u2029four", True, "one\ntwo\nthree\nfour"),
        ("a\tb", True, "a\tb"),
        ("\u202eone\ntwo", True, "one\ntwo"),
        # One spelling for one name: e plus a combining accent becomes é.
        ("Rene\u0301e", False, "Ren\u00e9e"),
        ("Rene\u200b\u0301e", False, "Ren\u00e9e"),
        # Scripts written right to left are text, not formatting.
        ("\u05e9\u05e8\u05d4", False, "\u05e9\u05e8\u05d4"),
        ("\u0633\u0627\u0631\u0627", False, "\u0633\u0627\u0631\u0627"),
        # Joiners are part of how some words and emoji are written.
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            False,
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
        ("\U0001f469\u200d\U0001f469", False, "\U0001f469\u200d\U0001f469"),
        ("", False, ""),
        ("  Sam  ", False, "  Sam  "),
    ],
)
def test_it_removes_only_invisible_formatting(typed: str, multiline: bool, expected: str) -> None:
    assert clean_text(typed, multiline=multiline) == expected
