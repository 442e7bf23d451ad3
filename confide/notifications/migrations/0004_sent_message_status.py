"""Appointment messages are marked sent after the mail server took them, with a stable key.

Rows from before were recorded as they were sent, so they become "sent", at their creation time.
"""

import uuid

from django.db import migrations, models
from django.db.models import F


def _mark_existing(apps, schema_editor):
    SentMessage = apps.get_model("notifications", "SentMessage")
    SentMessage.objects.update(sent_at=F("created_at"))
    for pk in SentMessage.objects.values_list("pk", flat=True).iterator():
        SentMessage.objects.filter(pk=pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_outcome_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentmessage",
            name="status",
            field=models.CharField(
                choices=[("sending", "Sending"), ("sent", "Sent")], default="sent", max_length=8
            ),
        ),
        migrations.AlterField(
            model_name="sentmessage",
            name="status",
            field=models.CharField(
                choices=[("sending", "Sending"), ("sent", "Sent")],
                default="sending",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="sentmessage",
            name="claimed_by_task",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sentmessage",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="sentmessage",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(_mark_existing, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="sentmessage",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
