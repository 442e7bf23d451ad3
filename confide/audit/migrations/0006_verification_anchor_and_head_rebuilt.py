"""Keep each verification's last hash, unverifiable stretches and warnings; date a rebuilt head."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="rebuilt_at",
            field=models.DateTimeField(
                help_text="When the head was found missing and rebuilt from the last event.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="last_hash",
            field=models.CharField(
                blank=True,
                help_text="Hash of the last event in place, for the next run.",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="unverifiable",
            field=models.CharField(
                blank=True,
                help_text="Events hashed with a data key that is not configured: in place, not checked.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="warning",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="auditverification",
            name="count",
            field=models.PositiveBigIntegerField(help_text="Events whose hash was checked."),
        ),
        migrations.AlterField(
            model_name="auditverification",
            name="intact",
            field=models.BooleanField(help_text="Every event in place and its hash checked."),
        ),
    ]
