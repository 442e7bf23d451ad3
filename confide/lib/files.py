"""Make the folder and files that hold secrets and the database readable by their owner alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Create ``path`` and its parents if missing, and leave ``path`` itself at 0700."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    # mkdir's mode passes through the umask, and an existing folder keeps its old mode.
    _restrict(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Create ``path`` empty if missing, and leave it at 0600, before anything writes to it.

    Created with the mode already set, there is no moment in which another user could open it.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(descriptor)
    _restrict(path, FILE_MODE)


def private_write(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text``, the file at 0600 from its first byte."""
    private_file(path)
    path.write_text(text)


def _restrict(path: Path, mode: int) -> None:
    """Set ``mode`` on ``path`` when it differs and this process owns it (only the owner may)."""
    current = path.stat()
    if stat.S_IMODE(current.st_mode) != mode and current.st_uid == os.geteuid():
        path.chmod(mode)
