"""Make the audit table append-only in the database, not just in the code.

PostgreSQL refuses UPDATE and DELETE of audit rows with a trigger (TRUNCATE, a table owner's
operation, stays possible for test suites and for a deliberate wipe). SQLite refuses UPDATE; it
cannot tell a test suite's flush from any other DELETE, so there deletes are refused by the
application (AuditEvent.delete and its queryset) only.
"""

from django.db import migrations

TABLE = "audit_auditevent"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_event_no_update ON {TABLE};
DROP FUNCTION IF EXISTS audit_event_is_append_only();
"""
SQLITE_UP = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    else:
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    else:
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
