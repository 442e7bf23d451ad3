"""A backup restores: the drill's round trip, tampering, a wrong key, and what the files hold."""

from __future__ import annotations

import os
import stat
import tarfile
from pathlib import Path

import pyrage  # type: ignore[import-untyped]
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from confide.clients.services import note_create
from confide.lib.crypto import Keyring, new_key
from confide.office.tests.factories import client_of, demo_clinician
from confide.operations import archive
from confide.operations.models import OperationRun
from confide.operations.services import backup_create, drill_run

pytestmark = pytest.mark.django_db(transaction=True)
CANARY = "canary-7f3e-pale-heron"


@pytest.fixture
def identity(settings: Settings, tmp_path: Path) -> pyrage.x25519.Identity:
    """A key pair made for the test: backups go to its public key, in a folder of the test's."""
    key = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENT = str(key.to_public())
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "scan.bin").write_bytes(b"an uploaded file")
    return key


@pytest.fixture
def noted(demo: None, owner: User) -> None:
    """A client with a note whose text is the canary."""
    note_create(
        client=client_of(demo_clinician()), kind="progress", template="soap",
        sections={"subjective": CANARY}, author=owner, request=None,
    )  # fmt: skip


def _identity_text(key: pyrage.x25519.Identity) -> str:
    return f"# created for a test\n{key}\n"


def test_a_backup_restores_and_the_drill_passes(
    identity: pyrage.x25519.Identity, noted: None, settings: Settings
) -> None:
    run = backup_create()

    report = drill_run(identity_text=_identity_text(identity))

    assert report.problems == []
    assert report.counts["clients_clinicalnote"] == 1
    drill = OperationRun.objects.get(kind=OperationRun.Kind.DRILL)
    assert drill.ok
    assert drill.archive == run.archive
    assert drill.tables == run.tables
    # The canary note's text was opened with the exported keys, in the restored copy.
    assert "sealed values opened" in report.notes[0]
    assert " 0 sealed" not in report.notes[0]


def test_the_files_are_private_named_by_time_and_hold_no_readable_text(
    identity: pyrage.x25519.Identity, noted: None, settings: Settings
) -> None:
    run = backup_create()

    folder = Path(settings.BACKUP_DIR)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    names = sorted(os.listdir(folder))
    assert [archive.parse_name(n) is not None for n in names] == [True, True]
    assert run.archive in names
    for name in names:
        data = (folder / name).read_bytes()
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        assert data.startswith(b"age-encryption.org/v1")
        assert CANARY.encode() not in data
        assert settings.DATA_KEYS.split(":", 1)[1].encode() not in data
        with pytest.raises(pyrage.DecryptError):
            pyrage.decrypt(data, [pyrage.x25519.Identity.generate()])


def test_the_archive_holds_the_database_uploads_and_manifest(
    identity: pyrage.x25519.Identity, noted: None, settings: Settings, tmp_path: Path
) -> None:
    run = backup_create()

    plain = pyrage.decrypt((Path(settings.BACKUP_DIR) / run.archive).read_bytes(), [identity])
    (tmp_path / "bundle.tar.gz").write_bytes(plain)
    with tarfile.open(tmp_path / "bundle.tar.gz") as bundle:
        names = set(bundle.getnames())
    assert {"manifest.json", "media.tar"} < names
    assert names & {"database.sqlite3", "database.dump"}


def test_a_tampered_backup_fails_the_drill(
    identity: pyrage.x25519.Identity, noted: None, settings: Settings
) -> None:
    run = backup_create()
    path = Path(settings.BACKUP_DIR) / run.archive
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    identity_file = Path(settings.BACKUP_DIR).parent / "identity.txt"
    identity_file.write_text(_identity_text(identity))

    with pytest.raises(CommandError, match="failed"):
        call_command("restore_drill", "--identity", str(identity_file))

    drill = OperationRun.objects.get(kind=OperationRun.Kind.DRILL)
    assert not drill.ok
    assert "does not decrypt" in drill.detail


def test_a_wrong_exported_key_fails_the_drill(
    identity: pyrage.x25519.Identity, noted: None, settings: Settings, tmp_path: Path
) -> None:
    run = backup_create()
    stamp = run.archive.removeprefix(archive.ARCHIVE_PREFIX).removesuffix(archive.SUFFIX)
    current = Keyring.parse(settings.DATA_KEYS).current
    wrong = Keyring(keys={current: new_key()}, current=current).format()
    (tmp_path / "wrong.txt").write_text(wrong)
    archive.encrypt(
        tmp_path / "wrong.txt",
        Path(settings.BACKUP_DIR) / archive.keys_name(stamp),
        archive.recipient_from(settings.BACKUP_RECIPIENT),
    )

    report = drill_run(identity_text=_identity_text(identity))

    assert not report.ok
    assert current in " ".join(report.problems)
    assert CANARY not in " ".join(report.problems)


def test_the_drill_fails_without_a_backup(identity: pyrage.x25519.Identity) -> None:
    report = drill_run(identity_text=_identity_text(identity))

    assert report.problems == ["no backup found in the destination"]


def test_a_backup_needs_an_age_public_key(
    identity: pyrage.x25519.Identity, settings: Settings
) -> None:
    settings.BACKUP_RECIPIENT = ""

    with pytest.raises(CommandError, match="BACKUP_RECIPIENT"):
        call_command("backup")
