"""Backup file names, age encryption, and the manifest a drill checks a restore against."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage  # type: ignore[import-untyped]

ARCHIVE_PREFIX = "confide-backup-"
KEYS_PREFIX = "confide-keys-"
SUFFIX = ".age"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^confide-(backup|keys)-(\d{8}T\d{6}Z)\.age$")

# Rows sampled per sealed column at backup time; the drill opens each of them.
SEALED_SAMPLE = 3


class BackupError(Exception):
    """A backup or drill could not be made or did not match; the message holds no clinical text."""


def stamp_of(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime(STAMP_FORMAT)


def archive_name(stamp: str) -> str:
    return f"{ARCHIVE_PREFIX}{stamp}{SUFFIX}"


def keys_name(stamp: str) -> str:
    return f"{KEYS_PREFIX}{stamp}{SUFFIX}"


def parse_name(name: str) -> tuple[str, dt.datetime] | None:
    """Return ("backup" or "keys", its UTC time) for a backup file name, or None for another."""
    match = _NAME.match(name)
    if match is None:
        return None
    when = dt.datetime.strptime(match[2], STAMP_FORMAT).replace(tzinfo=dt.UTC)
    return match[1], when


def archives(names: Iterable[str]) -> dict[dt.datetime, str]:
    """Return the archive names among ``names`` by their time."""
    found = {}
    for name in names:
        parsed = parse_name(name)
        if parsed is not None and parsed[0] == "backup":
            found[parsed[1]] = name
    return found


def recipient_from(text: str) -> pyrage.x25519.Recipient:
    """Read an age public key (``age1...``); raise BackupError when it is not one."""
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except Exception:
        raise BackupError(
            "BACKUP_RECIPIENT must be an age public key (age1...); see docs/production.md"
        ) from None


def identity_from(text: str) -> pyrage.x25519.Identity:
    """Read an age identity file's secret key; comment lines (``# ...``) are skipped."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                return pyrage.x25519.Identity.from_str(line)
            except Exception:
                break
    raise BackupError("the identity file holds no age secret key (AGE-SECRET-KEY-...)")


def encrypt(source: Path, target: Path, recipient: pyrage.x25519.Recipient) -> None:
    pyrage.encrypt_file(str(source), str(target), [recipient])


def decrypt(source: Path, target: Path, identity: pyrage.x25519.Identity) -> None:
    try:
        pyrage.decrypt_file(str(source), str(target), [identity])
    except (pyrage.DecryptError, OSError):
        # A file changed after the header was read fails as an OSError from the stream.
        raise BackupError(
            f"{source.name} does not decrypt with this identity: it was changed, cut short, "
            "or made for another key"
        ) from None


def digest(value: str) -> str:
    """Return a sealed value's identity: its SHA-256, which says nothing about its text."""
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class SealedSample:
    model: str
    pk: str
    column: str
    digest: str


def sealed_samples(cursor: Any, columns: Sequence[tuple[str, str, str, str]]) -> list[SealedSample]:
    """Read a few sealed values' identities per (model label, table, pk column, sealed column)."""
    samples = []
    for label, table, pk_column, column in columns:
        cursor.execute(
            f'SELECT "{pk_column}", "{column}" FROM "{table}" '  # noqa: S608  (names from models)
            f'WHERE "{column}" IS NOT NULL AND "{column}" <> \'\' '
            f'ORDER BY "{pk_column}" LIMIT {SEALED_SAMPLE}'
        )
        for pk, value in cursor.fetchall():
            samples.append(SealedSample(label, str(pk), column, digest(value)))
    return samples


def row_counts(cursor: Any, tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  (names from the schema)
        counts[table] = int(cursor.fetchone()[0])
    return counts
