from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_reminders_and_leases"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sentmessage",
            name="event",
            field=models.CharField(
                choices=[
                    ("booked", "Booked"),
                    ("requested", "Requested"),
                    ("confirmed", "Confirmed"),
                    ("declined", "Declined"),
                    ("rescheduled", "Moved to another time"),
                    ("cancelled", "Cancelled"),
                    ("outcome", "Outcome recorded"),
                ],
                max_length=16,
            ),
        ),
    ]
