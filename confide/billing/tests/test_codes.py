"""CPT codes, modifiers and places of service from a session's service, minutes and format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from confide.billing.codes import FORMATS, LABELS, SERVICES, Coding, coding_for, main

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("service", "minutes", "codes"),
    [
        ("assessment", 0, None),
        ("assessment", 1, ("90791",)),
        ("assessment", 90, ("90791",)),
        ("individual", 0, None),
        ("individual", 15, None),
        ("individual", 16, ("90832",)),
        ("individual", 37, ("90832",)),
        ("individual", 38, ("90834",)),
        ("individual", 52, ("90834",)),
        ("individual", 53, ("90837",)),
        ("individual", 90, ("90837",)),
        ("couples_with_client", 25, None),
        ("couples_with_client", 26, ("90847",)),
        ("couples_with_client", 50, ("90847",)),
        ("couples_without_client", 25, None),
        ("couples_without_client", 26, ("90846",)),
        ("couples_without_client", 50, ("90846",)),
        ("crisis", 0, None),
        ("crisis", 15, None),
        ("crisis", 16, ("90832",)),
        ("crisis", 29, ("90832",)),
        ("crisis", 30, ("90839",)),
        ("crisis", 74, ("90839",)),
        ("crisis", 75, ("90839", "90840")),
        ("crisis", 104, ("90839", "90840")),
        ("crisis", 105, ("90839", "90840", "90840")),
        ("crisis", 134, ("90839", "90840", "90840")),
        ("crisis", 135, ("90839", "90840", "90840", "90840")),
    ],
)
def test_it_codes_the_service_by_its_minutes(
    service: str, minutes: int, codes: tuple[str, ...] | None
) -> None:
    coding = coding_for(service, minutes, "in_person")
    assert (coding.codes if coding else None) == codes


@pytest.mark.parametrize(
    ("format_", "elsewhere", "modifier", "place"),
    [
        ("in_person", False, None, "11"),
        ("in_person", True, None, "11"),
        ("video", False, "95", "10"),
        ("video", True, "95", "02"),
        ("phone", False, "93", "10"),
        ("phone", True, "93", "02"),
    ],
)
def test_it_sets_modifier_and_place_by_format(
    format_: str, elsewhere: bool, modifier: str | None, place: str
) -> None:
    coding = coding_for("individual", 53, format_, elsewhere=elsewhere)
    assert coding == Coding(codes=("90837",), modifier=modifier, place=place)


@pytest.mark.parametrize(
    ("service", "minutes", "format_", "elsewhere", "line"),
    [
        ("individual", 53, "video", False, "90837 95 10"),
        ("individual", 45, "in_person", False, "90834 - 11"),
        ("individual", 20, "phone", True, "90832 93 02"),
        ("crisis", 120, "in_person", False, "90839+90840+90840 - 11"),
        ("crisis", 80, "phone", True, "90839+90840 93 02"),
        ("couples_with_client", 50, "video", False, "90847 95 10"),
        ("assessment", 60, "in_person", True, "90791 - 11"),
    ],
)
def test_it_writes_one_line(
    service: str, minutes: int, format_: str, elsewhere: bool, line: str
) -> None:
    coding = coding_for(service, minutes, format_, elsewhere=elsewhere)
    assert coding is not None
    assert coding.as_line() == line
    assert str(coding) == line


@pytest.mark.parametrize(
    ("codes", "items"),
    [
        (("90837",), [("90837", 1)]),
        (("90839",), [("90839", 1)]),
        (("90839", "90840"), [("90839", 1), ("90840", 1)]),
        (("90839", "90840", "90840"), [("90839", 1), ("90840", 2)]),
    ],
)
def test_it_counts_units_per_code(codes: tuple[str, ...], items: list[tuple[str, int]]) -> None:
    assert Coding(codes=codes, modifier=None, place="11").line_items() == items


@pytest.mark.parametrize(
    ("service", "minutes", "format_", "message"),
    [
        ("group", 60, "in_person", "Unknown service"),
        ("", 60, "in_person", "Unknown service"),
        ("individual", 60, "carrier_pigeon", "Unknown format"),
        ("individual", 60, "", "Unknown format"),
        ("individual", -1, "in_person", "negative"),
        ("assessment", -30, "video", "negative"),
    ],
)
def test_it_rejects_bad_input(service: str, minutes: int, format_: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        coding_for(service, minutes, format_)


def test_every_code_it_can_give_has_a_label() -> None:
    given = {
        code
        for service in SERVICES
        for minutes in range(200)
        for coding in [coding_for(service, minutes, FORMATS[0])]
        if coding
        for code in coding.codes
    }
    assert given == set(LABELS)


@pytest.mark.parametrize(
    ("argv", "output"),
    [
        (["individual", "53", "video"], "90837 95 10\n"),
        (["individual", "45", "in_person"], "90834 - 11\n"),
        (["individual", "45", "in_person", "--elsewhere"], "90834 - 11\n"),
        (["individual", "15", "video"], "-\n"),
        (["couples_with_client", "25", "video"], "-\n"),
        (["crisis", "75", "phone", "--elsewhere"], "90839+90840 93 02\n"),
        (["crisis", "105", "in_person"], "90839+90840+90840 - 11\n"),
    ],
)
def test_command_line_prints_one_line(
    argv: list[str], output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    assert capsys.readouterr() == (output, "")


@pytest.mark.parametrize(
    "argv",
    [
        ["group", "53", "video"],
        ["individual", "53", "fax"],
        ["individual", "fifty", "video"],
        ["individual", "53.5", "video"],
        ["individual", "-1", "video"],
        ["individual", "53"],
        [],
    ],
)
def test_command_line_rejects_bad_arguments(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage:" in err


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # Without Django settings, to prove the module needs none.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "confide.billing.codes", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["individual", "53", "video"], "90837 95 10\n"),
        (["individual", "40", "in_person"], "90834 - 11\n"),
        (["individual", "10", "phone"], "-\n"),
        (["crisis", "75", "phone", "--elsewhere"], "90839+90840 93 02\n"),
    ],
)
def test_it_runs_as_a_command_without_django(args: list[str], stdout: str) -> None:
    result = _run(*args)
    assert (result.returncode, result.stdout, result.stderr) == (0, stdout, "")


@pytest.mark.parametrize(
    "args",
    [["group", "53", "video"], ["individual", "x", "video"], ["individual", "-5", "video"]],
)
def test_command_exits_2_on_bad_arguments(args: list[str]) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage:" in result.stderr
