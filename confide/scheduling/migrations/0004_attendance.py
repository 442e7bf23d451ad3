import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NO_OVERLAP = importlib.import_module("confide.scheduling.migrations.0002_no_overlap")


def overlap_guard_restore(apps, schema_editor):
    """Put back the SQLite triggers that a rebuilt table lost.

    SQLite cannot add a NOT NULL column with a default or a check constraint in place: Django
    copies the table into a new one, and triggers do not follow. PostgreSQL alters the table in
    place and keeps its exclusion constraint.
    """
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*NO_OVERLAP.SQLITE_DOWN, *NO_OVERLAP.SQLITE_UP]:
            schema_editor.execute(statement)


def outcomes_from_statuses(apps, schema_editor):
    """Sessions already marked completed or no-show keep that as their outcome."""
    appointment = apps.get_model("scheduling", "Appointment")
    appointment.objects.filter(status="completed").update(outcome="attended")
    appointment.objects.filter(status="no_show").update(outcome="no_show")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_drop_plain_wishes"),
        ("scheduling", "0003_appointment_client"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Undone last when going back: removing the fields rebuilds the table again.
        migrations.RunPython(migrations.RunPython.noop, overlap_guard_restore, elidable=False),
        migrations.AddField(
            model_name="appointment",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("attended", "Attended"),
                    ("late_cancel", "Late cancellation"),
                    ("no_show", "No-show"),
                    ("by_practice", "Cancelled by the practice"),
                    ("by_client", "Cancelled by the client"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="outcome_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="outcome_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="partners_present",
            field=models.ManyToManyField(
                blank=True,
                help_text="For a couple's session that took place: the partners who came.",
                related_name="+",
                to="clients.person",
            ),
        ),
        migrations.RunPython(outcomes_from_statuses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("outcome", ""),
                    models.Q(("outcome", "attended"), ("status", "completed")),
                    models.Q(("outcome", "no_show"), ("status", "no_show")),
                    models.Q(
                        ("outcome__in", ["late_cancel", "by_practice", "by_client"]),
                        ("status", "cancelled"),
                    ),
                    _connector="OR",
                ),
                name="appointment_outcome_matches_status",
            ),
        ),
        migrations.RunPython(overlap_guard_restore, migrations.RunPython.noop, elidable=False),
    ]
