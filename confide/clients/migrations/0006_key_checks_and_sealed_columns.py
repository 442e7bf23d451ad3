"""Key checks, a uid for each person, and sealed columns beside the plain ones they replace."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_documents"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataKeyCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key_id", models.CharField(max_length=32, unique=True)),
                ("check_value", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["key_id"]},
        ),
        # Filled row by row in the next migration, then made unique.
        migrations.AddField(
            model_name="person",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="safe_times_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="consultationrequest",
            name="safe_times_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="consultationrequest",
            name="preferred_times_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="consultationrequest",
            name="close_reason_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
    ]
