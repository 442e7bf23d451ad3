"""check --deploy warns when the app's database user owns the audit log."""

from __future__ import annotations

import pytest
from django.db import connection

from confide.audit.checks import check_audit_log_owner

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table owners are PostgreSQL's")
def test_it_warns_when_the_database_user_owns_the_audit_log() -> None:
    # The test database is made, and so owned, by the user the tests connect as.
    messages = check_audit_log_owner()
    assert [m.id for m in messages] == ["confide_audit.W001"]
    assert "docs/production.md" in (messages[0].hint or "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table owners are PostgreSQL's")
def test_it_has_nothing_to_say_where_the_audit_log_is_not_yet_made() -> None:
    # A schema without the table, as before the first migrate: migrate itself says what to do.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL search_path TO pg_catalog")
        try:
            assert check_audit_log_owner() == []
        finally:
            cursor.execute("SET LOCAL search_path TO DEFAULT")


def test_it_runs_only_with_deploy_checks() -> None:
    from django.core.checks import registry

    assert check_audit_log_owner in registry.registry.get_checks(include_deployment_checks=True)
    assert check_audit_log_owner not in registry.registry.get_checks()
