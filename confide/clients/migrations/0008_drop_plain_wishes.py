"""Drop the plain columns now sealed, and make each person's uid unique."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0007_seal_wishes_and_bind_notes"),
    ]

    operations = [
        migrations.RemoveField(model_name="consultationrequest", name="safe_times"),
        migrations.RemoveField(model_name="consultationrequest", name="preferred_times"),
        migrations.RemoveField(model_name="consultationrequest", name="close_reason"),
        migrations.RemoveField(model_name="person", name="safe_times"),
        migrations.AlterField(
            model_name="person",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
