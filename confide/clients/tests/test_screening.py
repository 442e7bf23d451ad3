"""Crisis screening flags language that may signal a crisis, and not ordinary words."""

from __future__ import annotations

import pytest

from confide.clients.screening import needs_attention


@pytest.mark.parametrize(
    "text",
    [
        "Some days I want to kill myself",
        "i've been thinking about suicide",
        "I feel suicidal at night",
        "I just want to end it all",
        "I don't want to live anymore",
        "I dont want to wake up tomorrow",
        "everyone would be better off without me",
        "I want to die",
        "I've been cutting myself again",
        "history of self-harm",
        "I'm not safe at home",
        "my husband threatened to kill me",
        "I WANT TO DIE",
        "I don\u2019t want to be alive",
        "thinking of taking an overdose",
        "kms",
    ],
)
def test_it_flags_language_that_may_signal_a_crisis(text: str) -> None:
    assert needs_attention(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I'd like to talk about shame",
        "My mother died last year and I feel guilty",
        "I'm dying to know whether you take insurance",
        "Work is killing me, and I can't sleep",
        "We keep having the same fight",
        "Can we meet in the evening?",
        "I'm a skill-building kind of person",
    ],
)
def test_it_does_not_flag_ordinary_words(text: str) -> None:
    assert not needs_attention(text)


def test_it_reads_every_text_given() -> None:
    assert needs_attention("Tuesday evening", "sometimes I want to die")
