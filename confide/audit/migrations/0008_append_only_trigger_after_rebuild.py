"""Put SQLite's append-only trigger back after 0007.

SQLite cannot widen a column in place: Django rebuilds the table for 0007's longer ``action``,
and a rebuilt table has lost its triggers. PostgreSQL alters the column where it stands and keeps
its trigger, so nothing happens there. Any later change to this table's columns on SQLite needs
the same step after it.
"""

from django.db import migrations

TABLE = "audit_auditevent"


def make_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update;")
    schema_editor.execute(
        f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_longer_action_names")]

    operations = [
        migrations.RunPython(make_trigger, migrations.RunPython.noop, elidable=False),
    ]
