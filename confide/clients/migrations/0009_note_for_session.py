from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_drop_plain_wishes"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinicalnote",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended"),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="format",
            field=models.CharField(
                blank=True,
                choices=[("in_person", "In person"), ("video", "Video"), ("phone", "Phone")],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="minutes",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="people_present",
            field=models.ManyToManyField(blank=True, related_name="+", to="clients.person"),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="risk",
            field=models.CharField(
                blank=True,
                choices=[("none_noted", "No risk noted"), ("assessed", "Risk assessed")],
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="service",
            field=models.CharField(
                blank=True,
                choices=[
                    ("assessment", "Initial assessment"),
                    ("individual", "Individual psychotherapy"),
                    ("couples_with_client", "Couples, with the client present"),
                    ("couples_without_client", "Couples, without the client present"),
                    ("crisis", "Crisis"),
                    ("phone_call", "Phone call (not a session)"),
                    ("collateral", "Collateral contact (not a session)"),
                ],
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="service_date",
            field=models.DateField(blank=True, null=True, verbose_name="date of service"),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="signed_zone",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="signer_credentials",
            field=models.CharField(blank=True, editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="signer_license",
            field=models.CharField(blank=True, editable=False, max_length=80),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="signer_name",
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name="clinicalnote",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
    ]
