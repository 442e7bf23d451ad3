"""Events recorded before the chain existed are chained by the migration, trigger and all."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from confide.audit.models import AuditEvent
from confide.audit.services import audit_chain_verify, audit_record

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0002_append_only")]


@pytest.fixture(autouse=True)
def _every_table_back() -> Iterator[None]:
    """Leave the database at every app's last migration, even when a test fails halfway."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> list[tuple[str, str]]:
    """Return every app's last migration, so the models below match the tables.

    Going back to audit's 0002 also unapplies the migrations of other apps that depend on a later
    audit migration; going forward to audit's leaf alone would leave their tables missing for
    every test after this one.
    """
    leaves: list[tuple[str, str]] = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return leaves


def test_it_chains_the_events_already_in_the_log_in_the_order_they_were_recorded() -> None:
    old_apps = migrate(BEFORE).loader.project_state(BEFORE).apps
    OldEvent = old_apps.get_model("audit", "AuditEvent")
    recorded = [
        OldEvent.objects.create(
            actor_name="therapist",
            action="view",
            target_type="client",
            target_uid=uuid.uuid4(),
            summary=f"record opened {n}",
        ).pk
        for n in range(3)
    ]
    # The old trigger is in place before the migration, as on a real install.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten'")

    migrate(latest())

    chained = list(AuditEvent.objects.order_by("sequence").values_list("pk", "sequence"))
    assert chained == [(pk, n + 1) for n, pk in enumerate(recorded)]
    assert audit_chain_verify(now=dt.datetime.now(dt.UTC)).count == 3
    later = audit_record(
        request=None,
        actor=None,
        action=AuditEvent.Action.VIEW,
        target_type="client",
        target_uid=uuid.uuid4(),
        client_uid=None,
    )
    assert later.sequence == 4
    assert audit_chain_verify(now=dt.datetime.now(dt.UTC)).intact
    # And the trigger is back.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten'")
