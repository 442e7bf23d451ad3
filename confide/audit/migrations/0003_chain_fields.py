"""Add the hash chain's columns, the chain head and verification runs; lift the trigger for now.

The append-only trigger is dropped here and made again in 0005, after 0004 has written the
hashes of the events already in the log: it refuses every UPDATE, the backfill's too.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLE = "audit_auditevent"


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_no_update ON {TABLE};")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update;")


def make_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();"
        )
    else:
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_trigger, make_trigger, elidable=False),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.PositiveBigIntegerField(default=0)),
                (
                    "hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("intact", models.BooleanField()),
                ("count", models.PositiveBigIntegerField(help_text="Events checked.")),
                ("last_sequence", models.PositiveBigIntegerField(default=0)),
                (
                    "problem",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("changed", "Changed"),
                            ("missing", "Missing"),
                            ("reordered", "Reordered"),
                            ("unverifiable", "Key not configured"),
                        ],
                        max_length=12,
                    ),
                ),
                ("bad_sequence", models.PositiveBigIntegerField(null=True)),
                ("bad_event_id", models.BigIntegerField(null=True)),
                ("detail", models.CharField(blank=True, max_length=300)),
            ],
            options={"ordering": ["-at", "-pk"]},
        ),
        # Empty or null until 0004 fills them in; 0005 makes them required and unique.
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(
                default="", editable=False, help_text="Data key of the hash.", max_length=32
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
    ]
