"""gunicorn and the worker refuse to start with a wrong data key, and say which key."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from confide.clients.models import ConsultationRequest
from confide.keys.models import DataKeyCheck
from confide.keys.ring import forget_verified_keys
from confide.lib.crypto import Keyring, key_check, new_key
from confide.practice.models import Clinician
from e2e import servers

pytestmark = pytest.mark.django_db(transaction=True)


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(new_key()).decode()}"


def _first_used_with(key: str) -> None:
    key_id = key.partition(":")[0]
    DataKeyCheck.objects.create(key_id=key_id, check_value=key_check(Keyring.parse(key), key_id))


def _gunicorn(*, log: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run gunicorn until it exits; return its exit status and everything it printed."""
    argv = [sys.executable, "-m", "gunicorn", "confide.wsgi", "--bind", "127.0.0.1:0"]
    argv += ["--workers", "2", "--no-control-socket", "--timeout", "60"]
    with log.open("w+b") as output, servers.running_process(argv, env=env, log=output) as process:
        status = process.wait(timeout=servers.START_TIMEOUT)
    return status, log.read_text()


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
        return int(response.status)


def test_gunicorn_with_a_wrong_data_key_fails_to_boot_naming_the_key(tmp_path: Path) -> None:
    _first_used_with(_key("k7"))
    env = servers.test_server_environment(CONFIDE_DATA_KEYS=_key("k7"))

    status, output = _gunicorn(log=tmp_path / "gunicorn.log", env=env)

    assert status != 0, output
    assert "Worker failed to boot" in output
    assert "key 'k7' does not match" in output


def test_gunicorn_with_the_right_data_key_serves() -> None:
    right = _key("k7")
    _first_used_with(right)
    env = servers.test_server_environment(CONFIDE_DATA_KEYS=right)
    with servers.run_gunicorn(env=env, workers=1, threads=1) as base_url:
        assert _status(base_url + "/robots.txt") == 200


def test_gunicorn_starts_on_a_database_not_migrated_yet(tmp_path: Path) -> None:
    # As the system check does: a fresh install starts before migrate has made the tables.
    env = servers.test_server_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with servers.run_gunicorn(env=env, workers=1, threads=1) as base_url:
        assert _status(base_url + "/robots.txt") == 200


def test_the_worker_with_a_wrong_data_key_exits_naming_the_key(settings: Settings) -> None:
    # Values sealed under k7 and no check yet, as on an install upgraded to key checks.
    settings.DATA_KEYS = _key("k7")
    request = ConsultationRequest(
        clinician=Clinician.objects.create(name="Ada", slug="ada", license_number="LCSW-555-0103"),
        name="R",
        email="r@example.org",
    )
    request.note = "Nights are hard."
    request.save()
    DataKeyCheck.objects.all().delete()
    forget_verified_keys()
    env = servers.test_server_environment(CONFIDE_DATA_KEYS=_key("k7"))
    # --skip-checks: the worker refuses on its own, not only through the system checks.
    argv = [sys.executable, "manage.py", "confide_worker", "--batch", "--skip-checks"]

    result = subprocess.run(
        [*argv, "--no-startup-delay", "--no-reload"],
        cwd=servers.ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0, result.stdout + result.stderr
    assert "key 'k7' does not match" in result.stderr
    assert not DataKeyCheck.objects.exists()
