import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0004_markdown_html"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="draft_limit_hours",
            field=models.PositiveSmallIntegerField(
                default=72,
                help_text="Today lists drafts older than this, and sessions still without a signed note.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(1440),
                ],
                verbose_name="a draft note is late after (hours)",
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="sign_within_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Leave empty for no rule. Today marks what is past it as late.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="notes must be signed within (days)",
            ),
        ),
    ]
