import importlib

from django.db import migrations, models

# A nullable column is added in place on SQLite, but undoing it may rebuild the table, which
# drops the overlap triggers: restore them after each direction, as 0005 does.
overlap_guard_restore = importlib.import_module(
    "confide.scheduling.migrations.0004_attendance"
).overlap_guard_restore


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0007_session_noted"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, overlap_guard_restore, elidable=False),
        migrations.AddField(
            model_name="appointment",
            name="series",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["series", "start"], name="appointment_series_start"),
        ),
        migrations.RunPython(overlap_guard_restore, migrations.RunPython.noop, elidable=False),
    ]
