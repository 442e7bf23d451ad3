"""The folder and files for secrets and the database are their owner's alone, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from confide.lib.files import private_dir, private_file, private_write


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000])
def loose_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    mask: int = request.param
    previous = os.umask(mask)
    yield mask
    os.umask(previous)


@pytest.mark.usefixtures("loose_umask")
def test_it_creates_folders_0700(tmp_path: Path) -> None:
    private_dir(tmp_path / "a" / "var")
    assert _mode(tmp_path / "a" / "var") == 0o700


@pytest.mark.usefixtures("loose_umask")
def test_it_tightens_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    private_dir(folder)
    assert _mode(folder) == 0o700


@pytest.mark.usefixtures("loose_umask")
def test_it_creates_files_0600_and_tightens_existing_ones(tmp_path: Path) -> None:
    new, old = tmp_path / "new.sqlite3", tmp_path / "old.sqlite3"
    old.write_text("kept")
    old.chmod(0o644)

    private_file(new)
    private_file(old)

    assert (_mode(new), new.read_text()) == (0o600, "")
    assert (_mode(old), old.read_text()) == (0o600, "kept")


@pytest.mark.usefixtures("loose_umask")
def test_it_writes_secrets_0600(tmp_path: Path) -> None:
    key = tmp_path / "dev-secret-key"
    private_write(key, "secret")
    private_write(key, "new")
    assert (_mode(key), key.read_text()) == (0o600, "new")
