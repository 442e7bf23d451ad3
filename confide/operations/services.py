"""Make an encrypted backup, prune old ones, and drill a restore of the newest."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from confide.clients.sealed import sealed_attributes
from confide.lib.files import private_write
from confide.operations import archive
from confide.operations.archive import BackupError
from confide.operations.destinations import Destination, destination
from confide.operations.models import OperationRun
from confide.operations.retention import backups_to_keep

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


@contextmanager
def _workspace() -> Iterator[Path]:
    """Yield a scratch folder only this user can open (mkdtemp makes it 0700), removed after."""
    work = Path(tempfile.mkdtemp(prefix="confide-operations-"))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sealed_columns() -> list[tuple[str, str, str, str]]:
    columns = []
    for model in apps.get_models():
        for attribute in sealed_attributes(model):
            meta = model._meta
            pk_column = str(meta.pk.column)
            columns.append((meta.label_lower, meta.db_table, pk_column, attribute.column))
    return columns


def _pg_environment() -> dict[str, str]:
    """Return the environment that points libpq's tools at the database, password included."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    # In the environment, never on the command line, where `ps` shows it to every user.
    env["PGPASSWORD"] = str(db.get("PASSWORD") or "")
    return {k: v for k, v in env.items() if v != ""}


def _run(
    command: list[str], *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def _dump_database(work: Path) -> dict[str, Any]:
    """Copy the database consistently into ``work``; return its engine, row counts and samples."""
    columns = _sealed_columns()
    if connection.vendor == "sqlite":
        target_path = work / DATABASE_FILES["sqlite"]
        source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=20)
        target = sqlite3.connect(str(target_path))
        try:
            # The online backup API copies a consistent state while the app keeps writing.
            source.backup(target)
            copy = target.cursor()
            copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            tables = [row[0] for row in copy.fetchall()]
            counts = archive.row_counts(copy, tables)
            samples = archive.sealed_samples(copy, columns)
        finally:
            target.close()
            source.close()
        return {"engine": "sqlite", "counts": counts, "samples": samples}
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # pg_dump reads the snapshot this transaction exported, so the counts and samples
            # below describe exactly the rows in the dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            result = _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={work / DATABASE_FILES['postgresql']}",
                ],
                env=_pg_environment(),
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
            tables = connection.introspection.table_names(cursor)
            counts = archive.row_counts(cursor, tables)
            samples = archive.sealed_samples(cursor, columns)
        return {"engine": "postgresql", "counts": counts, "samples": samples}
    raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def _media_tar(target: Path) -> int:
    """Write MEDIA_ROOT's files into a tar; return how many files it holds."""
    media = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(target, "w") as bundle:
        if media.is_dir():
            bundle.add(media, arcname="media")
            files = sum(1 for p in media.rglob("*") if p.is_file())
    return files


def backup_create(*, now: dt.datetime | None = None, to: Destination | None = None) -> OperationRun:
    """Back up the database, uploads and a manifest to the destination, then prune old backups.

    The archive and the exported data keys are two files, each encrypted to BACKUP_RECIPIENT.
    """
    recipient = archive.recipient_from(settings.BACKUP_RECIPIENT)
    now = now or timezone.now()
    to = to or destination()
    stamp = archive.stamp_of(now)
    with _workspace() as work:
        database = _dump_database(work)
        media_files = _media_tar(work / "media.tar")
        manifest = {
            "format": 1,
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "engine": database["engine"],
            "counts": database["counts"],
            "sealed": [asdict(s) for s in database["samples"]],
            "media_files": media_files,
        }
        private_write(work / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
        bundle = work / "backup.tar.gz"
        with tarfile.open(bundle, "w:gz") as tar:
            for name in ("manifest.json", DATABASE_FILES[database["engine"]], "media.tar"):
                tar.add(work / name, arcname=name)
        archive.encrypt(bundle, work / "backup.age", recipient)
        private_write(work / "keys.txt", settings.DATA_KEYS)
        archive.encrypt(work / "keys.txt", work / "keys.age", recipient)
        # The keys first: an archive is never in place without the keys that open it.
        to.put(work / "keys.age", archive.keys_name(stamp))
        size = to.put(work / "backup.age", archive.archive_name(stamp))
    backups_prune(to=to)
    counts = database["counts"]
    return OperationRun.objects.create(
        kind=OperationRun.Kind.BACKUP,
        at=timezone.now(),
        ok=True,
        archive=archive.archive_name(stamp),
        size=size,
        tables=len(counts),
        rows=sum(counts.values()),
    )


def backups_prune(*, to: Destination) -> list[str]:
    """Delete backups (and their keys files) that retention does not keep; return their names."""
    names = to.names()
    found = archive.archives(names)
    keep = backups_to_keep(
        found, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY
    )
    removed = []
    for when, name in found.items():
        if when in keep:
            continue
        keys = archive.keys_name(archive.stamp_of(when))
        to.delete(name)
        removed.append(name)
        if keys in names:
            to.delete(keys)
            removed.append(keys)
    return removed


@dataclass
class DrillReport:
    archive: str = ""
    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _scratch_sqlite(work: Path, engine: str) -> tuple[str, Any]:
    if engine != "sqlite":
        raise BackupError("a PostgreSQL backup is drilled on PostgreSQL; this server runs SQLite")
    path = work / DATABASE_FILES["sqlite"]
    return f"sqlite:///{path}", lambda: None


def _scratch_postgresql(work: Path, engine: str) -> tuple[str, Any]:
    if engine != "postgresql":
        raise BackupError("an SQLite backup is drilled on SQLite; this server runs PostgreSQL")
    db = connection.settings_dict
    name = f"{db['NAME']}_drill_{secrets.token_hex(4)}"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")

    env = _pg_environment() | {"PGDATABASE": name}
    result = _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={name}",
            str(work / DATABASE_FILES["postgresql"]),
        ],
        env=env,
    )
    if result.returncode != 0:
        drop()
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    host = str(db.get("HOST") or "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{host}{port}/{name}", drop


def _manage(
    args: list[str], *, database_url: str, data_keys: str
) -> subprocess.CompletedProcess[str]:
    """Run manage.py against the scratch database with the exported keys, in the environment."""
    env = dict(os.environ) | {"DATABASE_URL": database_url, "CONFIDE_DATA_KEYS": data_keys}
    manage = Path(settings.BASE_DIR) / "manage.py"
    return _run([sys.executable, str(manage), *args], env=env)


def _last_lines(result: subprocess.CompletedProcess[str]) -> str:
    text = (result.stdout + "\n" + result.stderr).strip().splitlines()
    return " / ".join(text[-3:])[-500:]


def drill_run(*, identity_text: str, source: Destination | None = None) -> DrillReport:
    """Restore the newest backup into a scratch database and check it against its manifest.

    The report lists every mismatch; the run is recorded either way.
    """
    source = source or destination()
    report = DrillReport()
    try:
        _drill(identity_text, source, report)
    except BackupError as error:
        report.problems.append(str(error))
    total = sum(report.counts.values())
    OperationRun.objects.create(
        kind=OperationRun.Kind.DRILL,
        at=timezone.now(),
        ok=report.ok,
        archive=report.archive,
        size=report.size,
        tables=len(report.counts),
        rows=total,
        detail="\n".join(report.problems)[:2000],
    )
    return report


def _drill(identity_text: str, source: Destination, report: DrillReport) -> None:
    identity = archive.identity_from(identity_text)
    names = source.names()
    found = archive.archives(names)
    if not found:
        raise BackupError("no backup found in the destination")
    newest = max(found)
    report.archive = found[newest]
    keys = archive.keys_name(archive.stamp_of(newest))
    if keys not in names:
        raise BackupError(f"{keys} is missing: the backup cannot be opened without its keys")
    with _workspace() as work:
        source.fetch(report.archive, work / "backup.age")
        report.size = (work / "backup.age").stat().st_size
        source.fetch(keys, work / "keys.age")
        archive.decrypt(work / "backup.age", work / "backup.tar.gz", identity)
        archive.decrypt(work / "keys.age", work / "keys.txt", identity)
        data_keys = (work / "keys.txt").read_text().strip()
        try:
            with tarfile.open(work / "backup.tar.gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / "manifest.json").read_text())
            with tarfile.open(work / "media.tar") as media:
                media_files = sum(1 for m in media.getmembers() if m.isfile())
        except (tarfile.TarError, OSError, ValueError) as error:
            raise BackupError(f"the archive's contents are damaged: {error}") from None
        if media_files != manifest["media_files"]:
            report.problems.append(
                f"uploads: {media_files} files, the backup recorded {manifest['media_files']}"
            )
        scratch = _scratch_sqlite if connection.vendor == "sqlite" else _scratch_postgresql
        url, drop = scratch(work, manifest["engine"])
        try:
            migrated = _manage(["migrate", "--no-input"], database_url=url, data_keys=data_keys)
            if migrated.returncode != 0:
                raise BackupError(f"migrate failed on the restored copy: {_last_lines(migrated)}")
            checked = _manage(
                ["restore_drill_check", str(work / "manifest.json")],
                database_url=url,
                data_keys=data_keys,
            )
        finally:
            drop()
        try:
            result = json.loads(checked.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise BackupError(
                f"the check of the restored copy failed: {_last_lines(checked)}"
            ) from None
        report.counts = result["counts"]
        report.problems.extend(result["problems"])
        report.notes.append(
            f"{len(report.counts)} tables, {sum(report.counts.values())} rows, "
            f"{result['opened']} sealed values opened, {media_files} uploaded files"
        )
