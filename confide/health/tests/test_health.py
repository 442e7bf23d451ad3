"""/healthz answers without the database; /readyz names the check that fails, and nothing else."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations import Migration
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from confide.health import checks
from confide.notifications.leases import worker_lease_release, worker_lease_take
from confide.notifications.models import WorkerLease


@pytest.fixture(autouse=True)
def fresh_migrations_check() -> Iterator[None]:
    checks.migrations_check_forget()
    yield
    checks.migrations_check_forget()


@pytest.fixture
def worker(db: None) -> str:
    worker_lease_take(worker_id="worker-1", now=timezone.now(), seconds=60)
    return "worker-1"


def one_unapplied(
    self: MigrationExecutor, targets: Any, clean_start: bool = False
) -> list[tuple[Migration, bool]]:
    return [(Migration("0099_not_yet", "practice"), False)]


def body(response: Any) -> dict[str, str]:
    result: dict[str, str] = json.loads(response.content)
    return result


def test_healthz_answers_without_a_database_query(
    client: Client, db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_a_head_request_and_refuses_a_post(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_readyz_is_ready_with_a_fresh_worker_lease(client: Client, worker: str) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert body(response) == {"database": "ok", "migrations": "ok", "worker": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_readyz_names_the_worker_when_none_renewed_its_lease_in_the_last_minute(
    client: Client, db: None
) -> None:
    worker_lease_take(
        worker_id="stalled", now=timezone.now() - dt.timedelta(seconds=312), seconds=60
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    result = body(response)
    assert result["worker"].startswith("not seen for 31")
    assert result["worker"].endswith(" s")
    assert result["database"] == result["migrations"] == "ok"


def test_readyz_names_the_worker_when_none_ever_ran(client: Client, db: None) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert body(response)["worker"] == "none running"


def test_readyz_is_not_ready_once_the_last_worker_stopped(client: Client, worker: str) -> None:
    worker_lease_release(worker_id=worker)

    assert client.get("/readyz").status_code == 503


def test_readyz_names_the_migrations_when_one_is_unapplied(
    client: Client, worker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MigrationExecutor, "migration_plan", one_unapplied)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert body(response) == {"database": "ok", "migrations": "1 unapplied", "worker": "ok"}


def test_readyz_names_the_database_when_it_cannot_be_reached(
    client: Client, worker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connections[DEFAULT_DB_ALIAS], "cursor", refuse)
        response = client.get("/readyz")

    assert response.status_code == 503
    assert body(response) == {
        "database": "unreachable",
        "migrations": "not checked",
        "worker": "not checked",
    }


def test_the_migration_plan_is_loaded_at_most_once_per_cache_period(
    worker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def none_unapplied() -> list[str]:
        calls.append(1)
        return []

    monkeypatch.setattr(checks, "unapplied_migrations", none_unapplied)
    now = timezone.now()

    checks.readiness(now=now, monotonic=1000.0)
    checks.readiness(now=now, monotonic=1000.0 + checks.MIGRATIONS_CACHE_SECONDS - 1)
    assert len(calls) == 1

    checks.readiness(now=now, monotonic=1000.0 + checks.MIGRATIONS_CACHE_SECONDS)
    assert len(calls) == 2


def test_the_real_migration_plan_is_empty_on_the_test_database(db: None) -> None:
    assert checks.unapplied_migrations() == []


def test_readyz_shows_no_personal_data_nor_the_page_chrome(
    client: Client, demo: None, db: None
) -> None:
    WorkerLease.objects.create(
        worker_id="w-host",
        hostname="clinic-host-7",
        pid=4242,
        started_at=timezone.now() - dt.timedelta(minutes=5),
        renewed_at=timezone.now() - dt.timedelta(minutes=5),
        expires_at=timezone.now() - dt.timedelta(minutes=4),
    )

    for url in ("/healthz", "/readyz"):
        text = client.get(url).content.decode()
        assert "clinic-host-7" not in text
        assert "w-host" not in text
        assert "4242" not in text
        assert "988" not in text
        assert "leave" not in text.lower()
    result = body(client.get("/readyz"))
    assert set(result) == {"database", "migrations", "worker"}
    assert all(len(value) < 40 for value in result.values())


def test_the_checks_pass_under_the_office_guard_and_without_a_session(
    client: Client, owner: object
) -> None:
    # A signed-in staff member's cookie is ignored, and an anonymous probe is not redirected.
    assert client.get("/healthz").status_code == 200
    client.force_login(owner)  # type: ignore[arg-type]
    assert client.get("/healthz").status_code == 200
