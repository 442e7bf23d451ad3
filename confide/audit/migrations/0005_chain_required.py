"""Make every event carry its place and hash; put the append-only trigger back.

On PostgreSQL this also takes UPDATE, DELETE and TRUNCATE on the log from every role but its
owner (a production setup's default privileges grant them to the app role; docs/production.md).
"""

from django.db import migrations, models

TABLE = "audit_auditevent"

POSTGRES_REVOKE = """
DO $$
DECLARE name text;
BEGIN
    FOR name IN
        SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
        WHERE g.table_schema = current_schema() AND g.table_name = 'audit_auditevent'
          AND g.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
          AND g.grantee <> (SELECT tableowner FROM pg_tables
                            WHERE schemaname = current_schema() AND tablename = 'audit_auditevent')
    LOOP
        IF name = 'PUBLIC' THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', 'audit_auditevent');
        ELSE
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', 'audit_auditevent', name);
        END IF;
    END LOOP;
END $$;
"""


def make_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();"
        )
        schema_editor.execute(POSTGRES_REVOKE, params=None)
    else:
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
        )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_no_update ON {TABLE};")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_events")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.RunPython(make_trigger, drop_trigger, elidable=False),
    ]
