"""Where encrypted backups are kept: a small interface, and a folder that implements it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings

from confide.lib.files import FILE_MODE, private_dir


class Destination(Protocol):
    """A place that stores encrypted backup files by name."""

    def put(self, source: Path, name: str) -> int:
        """Store ``source`` as ``name`` atomically, and return its size in bytes."""
        ...

    def names(self) -> list[str]:
        """Return the names of every file stored."""
        ...

    def fetch(self, name: str, target: Path) -> None:
        """Copy the file ``name`` to ``target``."""
        ...

    def delete(self, name: str) -> None:
        """Remove the file ``name``."""
        ...


class FolderDestination:
    """A private folder (0700) holding private files (0600); copy it elsewhere with rclone."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, source: Path, name: str) -> int:
        private_dir(self.folder)
        final = self.folder / name
        temporary = self.folder / f".{name}.partial"
        # Copy into a 0600 file beside the final one, then rename: a reader (or rclone) never
        # sees a half-written backup under its final name.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            with os.fdopen(descriptor, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
        return final.stat().st_size

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if not p.name.startswith("."))

    def fetch(self, name: str, target: Path) -> None:
        shutil.copyfile(self.folder / name, target)

    def delete(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)


def destination() -> Destination:
    """Return the configured destination (the folder BACKUP_DIR)."""
    return FolderDestination(Path(settings.BACKUP_DIR))
