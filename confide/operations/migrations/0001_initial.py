"""A record of each backup and each restore drill."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="OperationRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("backup", "Backup"), ("drill", "Restore drill")], max_length=10
                    ),
                ),
                ("at", models.DateTimeField(help_text="When it finished (UTC).")),
                ("ok", models.BooleanField()),
                ("archive", models.CharField(blank=True, max_length=200)),
                (
                    "size",
                    models.BigIntegerField(default=0, help_text="Bytes of the encrypted archive."),
                ),
                ("tables", models.PositiveIntegerField(default=0)),
                ("rows", models.PositiveBigIntegerField(default=0)),
                ("detail", models.TextField(blank=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["kind", "ok", "-at"], name="operations_kind_ok_at")
                ],
            },
        ),
    ]
