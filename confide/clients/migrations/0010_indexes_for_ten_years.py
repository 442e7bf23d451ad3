"""An index for Today's drafts: an author's unsigned notes, oldest first."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0009_note_for_session"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="clinicalnote",
            index=models.Index(
                condition=models.Q(("signed_at__isnull", True)),
                fields=["author", "created_at"],
                name="note_author_drafts",
            ),
        ),
    ]
