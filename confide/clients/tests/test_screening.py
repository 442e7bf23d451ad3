"""Crisis screening flags language that may signal a crisis, and not ordinary words."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from confide.clients import screening
from confide.clients.screening import CATEGORIES, LABELS, flagged_categories, needs_attention

ROOT = Path(__file__).resolve().parents[3]
CASES = Path(__file__).with_name("screening_cases.tsv")


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to kill myself", ("ideation",)),
        ("I'm going to kill myself tonight", ("ideation", "plan")),
        ("I've been saving my pills", ("means",)),
        ("I wrote a goodbye letter", ("farewell",)),
        ("I've been cutting myself", ("self-harm",)),
        ("There's no point in going on", ("hopelessness",)),
        ("My husband threatened to kill me", ("violence",)),
        ("I want to hurt him", ("violence",)),
        # Negation is not read: a denial is often how it is first said.
        ("I'm not suicidal", ("ideation",)),
        ("not that I'd ever kill myself", ("ideation",)),
        # Misspelled, spaced, masked, slang.
        ("kil myself", ("ideation",)),
        ("k m s", ("ideation",)),
        ("K.M.S", ("ideation",)),
        ("s u i c i d e", ("ideation",)),
        ("unalive", ("ideation",)),
        ("I want to un-alive myself", ("ideation",)),
        ("k1ll myself", ("ideation",)),
        ("k*ll myself", ("ideation",)),
        ("I want to diiiie", ("ideation",)),
        # Curly quotes, accents, full-width letters, soft hyphens, zero-width spaces.
        ("I don\u2019t want to be alive", ("ideation",)),
        ("I feel su\u00efcidal", ("ideation",)),
        ("I want to ki\u0301ll myself", ("ideation",)),
        ("\uff4b\uff49\uff4c\uff4c myself", ("ideation",)),
        ("sui\u00adcidal", ("ideation",)),
        ("kill\u200b myself", ("ideation",)),
        ("I WANT TO DIE", ("ideation",)),
        ("I want\nto die", ("ideation",)),
    ],
)
def test_it_names_the_categories_in_their_fixed_order(text: str, expected: tuple[str, ...]) -> None:
    assert flagged_categories(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I want to end it with my boyfriend",
        "I cut myself shaving",
        "I'm going to take my life back",
        "My plants died while I was away",
        "There's no way out of the lease until June",
        "I'm dead tired",
    ],
)
def test_it_does_not_flag_lookalikes_it_knows(text: str) -> None:
    assert flagged_categories(text) == ()


def test_it_screens_each_text_apart_and_joins_their_categories() -> None:
    # The end of one text and the start of the next are never read as one sentence.
    assert flagged_categories("I want to", "die in the evening is when I garden") == ()
    assert flagged_categories("I feel hopeless", "my husband hits me") == (
        "hopelessness",
        "violence",
    )


def test_every_category_has_a_plain_label() -> None:
    assert set(LABELS) == set(CATEGORIES)
    assert all("safe" not in label.lower() for label in LABELS.values())
    assert screening.labels_of(["violence", "ideation", "unknown"]) == [
        LABELS["ideation"],
        LABELS["violence"],
    ]


def test_it_imports_nothing_from_django() -> None:
    tree = ast.parse(Path(screening.__file__).read_text())
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [name for name in names if name.startswith(("django", "confide"))]


def test_it_compiles_nothing_when_it_screens(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pattern was compiled while screening")

    text = "I don\u2019t want to be alive. k m s. " * 30
    monkeypatch.setattr(re, "compile", refuse)
    monkeypatch.setattr(re, "_compile", refuse)
    assert flagged_categories(text) == ("ideation",)


def _cases() -> list[tuple[str, tuple[str, ...], str]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, expected, kind = line.split("\t")
            rows.append((text, () if expected == "-" else tuple(expected.split(",")), kind))
    return rows


def test_the_labelled_set_is_large_and_well_formed() -> None:
    cases = _cases()
    positives = [c for c in cases if c[1]]
    negatives = [c for c in cases if not c[1]]
    assert len(positives) >= 150
    assert len(negatives) >= 100
    assert {kind for _, _, kind in positives} == {
        "direct", "indirect", "negated", "joking", "misspelled",
    }  # fmt: skip
    assert {kind for _, _, kind in negatives} == {"ordinary", "idiom", "lookalike"}
    for _, expected, _ in positives:
        assert set(expected) <= set(CATEGORIES)
    assert {c for _, expected, _ in positives for c in expected} == set(CATEGORIES)


def test_it_catches_at_least_95_per_cent_of_the_labelled_positives() -> None:
    cases = _cases()
    positives = [(t, e) for t, e, _ in cases if e]
    negatives = [t for t, e, _ in cases if not e]
    missed = [t for t, _ in positives if not needs_attention(t)]
    false_alarms = [t for t in negatives if needs_attention(t)]
    recall = 1 - len(missed) / len(positives)
    false_alarm_rate = len(false_alarms) / len(negatives)
    # Reported, not asserted: the false alarms are the cost of a broad screen.
    print(f"\nrecall {recall:.1%} ({len(positives) - len(missed)}/{len(positives)}), missed:")
    print("\n".join(f"  {t}" for t in missed))
    print(f"false alarms {false_alarm_rate:.1%} ({len(false_alarms)}/{len(negatives)}):")
    print("\n".join(f"  {t}" for t in false_alarms))
    assert recall >= 0.95


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_is_named_for_most_of_its_labelled_cases(category: str) -> None:
    expecting = [t for t, e, _ in _cases() if category in e]
    named = [t for t in expecting if category in flagged_categories(t)]
    # Means are everyday things (a bridge, a train, a box of pills), hence a lower bar than 95%.
    assert len(named) / len(expecting) >= 0.85, sorted(set(expecting) - set(named))


def test_a_flagged_case_is_named_with_every_category_it_expects() -> None:
    wrong = [
        (t, e, flagged_categories(t))
        for t, e, _ in _cases()
        if e and needs_attention(t) and not set(e) <= set(flagged_categories(t))
    ]
    assert wrong == []


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # Run as from outside: no Django settings, the repository as the working directory.
    return subprocess.run(
        [sys.executable, "-m", "confide.clients.screening", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "ascii"},
        check=False,
    )


def test_the_command_line_prints_one_line_per_line_in_order(tmp_path: Path) -> None:
    lines = [
        "I want to die",
        "",
        "Can we meet on Tuesday?",
        "I\u2019m going to kill myself, I\u2019ve saved the pills",
        "   ",
        "mi esposo dijo que me va a matar \u2014 and I feel hopeless",
        "k m s",
    ]
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _run(str(path))

    assert result.returncode == 0
    assert result.stdout.decode("ascii").split("\n") == [
        "ideation",
        "-",
        "-",
        "ideation,plan,means",
        "-",
        "hopelessness",
        "ideation",
        "",
    ]


def test_the_command_line_reads_crlf_a_last_line_without_newline_and_a_bom(
    tmp_path: Path,
) -> None:
    path = tmp_path / "texts.txt"
    path.write_bytes("\ufeffI feel hopeless\r\n\r\nI want to die".encode())

    assert _run(str(path)).stdout == b"hopelessness\n-\nideation\n"


def test_the_command_line_prints_nothing_for_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")

    result = _run(str(path))

    assert (result.returncode, result.stdout) == (0, b"")


def test_the_command_line_reads_standard_input() -> None:
    assert _run("-", stdin=b"kms\nhello\n").stdout == b"ideation\n-\n"


def test_the_command_line_says_when_the_file_cannot_be_read(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "missing.txt"))

    assert result.returncode == 2
    assert b"cannot read" in result.stderr
    assert result.stdout == b""


def test_the_command_line_documents_the_order_of_categories() -> None:
    assert ",".join(CATEGORIES).encode() in _run("--help").stdout.replace(b"\n", b"")


def test_the_command_line_keeps_one_line_per_line_when_bytes_are_not_utf8(
    tmp_path: Path,
) -> None:
    path = tmp_path / "texts.txt"
    path.write_bytes(b"caf\xe9 at noon\n\xff\xfe\nI want to d\xc3\xafe\n")

    assert _run(str(path)).stdout == b"-\n-\nideation\n"
