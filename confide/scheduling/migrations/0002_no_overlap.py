"""Make the database refuse overlapping active appointments of one clinician, buffers included.

PostgreSQL: an exclusion constraint over (clinician, busy time range) with btree_gist.
SQLite: triggers that abort an insert or update which would overlap. Every write transaction on
SQLite also starts IMMEDIATE (see settings), so the check and the write cannot interleave.
"""

from django.db import migrations

ACTIVE = "('requested', 'confirmed')"

POSTGRES_UP = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_no_overlap
    EXCLUDE USING gist (
        clinician_id WITH =,
        tstzrange(busy_start, busy_end, '[)') WITH &&
    ) WHERE (status IN {ACTIVE});
"""
POSTGRES_DOWN = "ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_no_overlap;"

_SQLITE_CHECK = f"""
    WHEN NEW.status IN {ACTIVE} AND EXISTS (
        SELECT 1 FROM scheduling_appointment AS other
        WHERE other.clinician_id = NEW.clinician_id
          AND other.id IS NOT NEW.id
          AND other.status IN {ACTIVE}
          AND other.busy_start < NEW.busy_end
          AND NEW.busy_start < other.busy_end
    )
    BEGIN
        SELECT RAISE(ABORT, 'appointment_no_overlap: the clinician already has an appointment then');
    END;
"""  # noqa: S608 - fixed text, no input
SQLITE_UP = [
    f"CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON scheduling_appointment {_SQLITE_CHECK}",
    f"CREATE TRIGGER appointment_no_overlap_update BEFORE UPDATE ON scheduling_appointment {_SQLITE_CHECK}",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS appointment_no_overlap_insert;",
    "DROP TRIGGER IF EXISTS appointment_no_overlap_update;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"Confide has no overlap guard for {vendor}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    else:
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
