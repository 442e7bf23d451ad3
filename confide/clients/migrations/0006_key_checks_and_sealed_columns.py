"""A uid for each person, and sealed columns beside the plain ones they replace."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_documents"),
    ]

    operations = [
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
