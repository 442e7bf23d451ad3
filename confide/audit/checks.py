"""Deployment checks for the audit log: the app's database role must not be able to rewrite it."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError, connection

from confide.audit.models import AuditEvent

GUIDE = "See 'Database roles' in docs/production.md: run the app as a role that does not own it."


# Not tagged "database": those run only when asked for by --database, and the point is that a
# plain `check --deploy` on a production machine says so.
@register(Tags.security, deploy=True)
def check_audit_log_owner(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the database user the app runs as owns the audit table or may rewrite it."""
    if connection.vendor != "postgresql":
        return []
    table = AuditEvent._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tableowner = current_user, current_user,"
                " has_table_privilege(current_user, %s, 'UPDATE, DELETE, TRUNCATE')"
                " FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
                [table, table],
            )
            row = cursor.fetchone()
    except DatabaseError:
        # No database to ask (not migrated, unreachable): other checks and migrate say so.
        return []
    if row is None:
        return []
    owns, user, may_rewrite = row
    if owns:
        return [
            Warning(
                f"The database user {user!r} owns the audit log table {table}: it can disable "
                "its trigger and change or delete audit events.",
                hint=GUIDE,
                id="confide_audit.W001",
            )
        ]
    if may_rewrite:
        return [
            Warning(
                f"The database user {user!r} may update, delete or truncate the audit log "
                f"table {table}.",
                hint=GUIDE,
                id="confide_audit.W002",
            )
        ]
    return []
