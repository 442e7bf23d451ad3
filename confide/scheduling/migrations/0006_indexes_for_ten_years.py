"""Indexes that match the queries of a clinician's calendar, busy time and the overlap guard.

The calendar reads a clinician's starts in a range. Busy time and the guard (the SQLite trigger
of 0002 and 0004, unchanged) read a clinician's appointments ending after a moment, which an index on
(clinician, busy end) reads as a range of the weeks ahead; it replaces the index on (clinician,
busy start), whose range ran back over every past session.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0005_video_room")]

    operations = [
        migrations.RemoveIndex(model_name="appointment", name="appointment_busy"),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["clinician", "start"], name="appointment_clinician_start"),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["clinician", "busy_end"], name="appointment_busy_end"),
        ),
    ]
