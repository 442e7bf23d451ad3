"""Settings from the environment: typed helpers that fail loudly, production's refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from confide.lib.env import (
    ImproperlyConfiguredError,
    env_bool,
    env_int,
    env_list,
    env_required,
    env_str,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("environ", "default", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"FLAG": "1"}, False, True),
        ({"FLAG": "Yes"}, False, True),
        ({"FLAG": " on "}, False, True),
        ({"FLAG": "0"}, True, False),
        ({"FLAG": "false"}, True, False),
        ({"FLAG": ""}, True, False),
    ],
)
def test_env_bool_reads_common_spellings(
    environ: dict[str, str], default: bool, expected: bool
) -> None:
    assert env_bool("FLAG", default, environ=environ) is expected


def test_env_bool_rejects_anything_else() -> None:
    with pytest.raises(ImproperlyConfiguredError, match="FLAG must be true or false"):
        env_bool("FLAG", False, environ={"FLAG": "maybe"})


@pytest.mark.parametrize(
    ("environ", "expected"), [({}, 7), ({"N": ""}, 7), ({"N": "42"}, 42), ({"N": " -3 "}, -3)]
)
def test_env_int_reads_whole_numbers(environ: dict[str, str], expected: int) -> None:
    assert env_int("N", 7, environ=environ) == expected


def test_env_int_rejects_text() -> None:
    with pytest.raises(ImproperlyConfiguredError, match="N must be a whole number"):
        env_int("N", 7, environ={"N": "seven"})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ["a"]),
        ({"L": ""}, []),
        ({"L": "x.org, y.org,,"}, ["x.org", "y.org"]),
    ],
)
def test_env_list_splits_on_commas(environ: dict[str, str], expected: list[str]) -> None:
    assert env_list("L", ["a"], environ=environ) == expected


def test_env_str_strips_and_defaults() -> None:
    assert env_str("S", "d", environ={}) == "d"
    assert env_str("S", "d", environ={"S": "  v "}) == "v"


def test_env_required_fails_loudly_when_missing() -> None:
    with pytest.raises(ImproperlyConfiguredError, match="SECRET must be set"):
        env_required("SECRET", environ={"SECRET": "  "})


def _manage(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process only.
    unset = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CONFIDE_DATA_KEYS",
    }
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


GOOD_KEY = "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
DATA_KEYS = "p1:" + "A" * 43


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "practice.example.org"}, "SECRET_KEY must be set"),
        (
            {"SECRET_KEY": "short", "ALLOWED_HOSTS": "practice.example.org"},
            "at least 50 characters",
        ),
        (
            {"SECRET_KEY": "django-insecure-" + GOOD_KEY, "ALLOWED_HOSTS": "practice.example.org"},
            "at least 50 characters",
        ),
        ({"SECRET_KEY": GOOD_KEY, "CONFIDE_DATA_KEYS": DATA_KEYS}, "ALLOWED_HOSTS must list"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.org"}, "CONFIDE_DATA_KEYS must be set"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.org", "CONFIDE_DATA_KEYS": "p1:short"},
            "CONFIDE_DATA_KEYS: ",
        ),
    ],
)
def test_production_refuses_to_start_without_real_secrets(
    env: dict[str, str], message: str
) -> None:
    result = _manage(["check"], CONFIDE_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check() -> None:
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        CONFIDE_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="practice.example.org",
        CONFIDE_DATA_KEYS=DATA_KEYS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
