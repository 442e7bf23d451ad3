from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def noted_from_signed_notes(apps, schema_editor):
    """Sessions that already have a signed progress note are noted as of its signature."""
    appointment = apps.get_model("scheduling", "Appointment")
    note = apps.get_model("clients", "ClinicalNote")
    first_signed = (
        note.objects.filter(appointment=OuterRef("pk"), kind="progress", signed_at__isnull=False)
        .order_by("signed_at")
        .values("signed_at")[:1]
    )
    appointment.objects.filter(notes__kind="progress", notes__signed_at__isnull=False).update(
        noted_at=Subquery(first_signed)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0010_indexes_for_ten_years"),
        ("scheduling", "0006_indexes_for_ten_years"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="noted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                fields=["clinician", "outcome", "noted_at", "start"], name="appointment_unnoted"
            ),
        ),
        migrations.RunPython(noted_from_signed_notes, migrations.RunPython.noop),
    ]
