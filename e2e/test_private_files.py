"""The SQLite database and the keys beside it are their owner's alone, whatever the umask."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _manage(var: Path, *args: str) -> None:
    """Run manage.py as `make run` does: development settings, the SQLite file under var/."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "CONFIDE_DATA_KEYS", "CONFIDE_ENV"}
    }
    env["CONFIDE_VAR_DIR"] = str(var)
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        umask=0o022,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_migrate_makes_var_and_the_database_private(tmp_path: Path) -> None:
    var = tmp_path / "var"

    _manage(var, "migrate", "--no-input")

    assert _mode(var) == 0o700
    for name in ("confide.sqlite3", "dev-secret-key", "dev-data-keys"):
        assert _mode(var / name) == 0o600, name
    # SQLite gives the files it writes beside the database the database's own mode.
    previous = os.umask(0o022)
    try:
        connection = sqlite3.connect(var / "confide.sqlite3")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE probe (x)")
        connection.commit()
        assert _mode(var / "confide.sqlite3-wal") == 0o600
        assert _mode(var / "confide.sqlite3-shm") == 0o600
        connection.close()
    finally:
        os.umask(previous)


@pytest.mark.parametrize("command", [("check",), ("migrate", "--no-input")])
def test_it_tightens_what_an_older_version_left_readable(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    for name in ("confide.sqlite3", "confide.sqlite3-wal", "confide.sqlite3-shm"):
        (var / name).touch()
        (var / name).chmod(0o644)

    _manage(var, *command)

    assert _mode(var) == 0o700
    assert _mode(var / "confide.sqlite3") == 0o600
    # SQLite removes its side files when the last connection closes; any left are private.
    for name in ("confide.sqlite3-wal", "confide.sqlite3-shm"):
        assert not (var / name).exists() or _mode(var / name) == 0o600, name
