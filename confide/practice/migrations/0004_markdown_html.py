"""Keep the sanitized HTML of each Markdown field next to it, and fill it for the rows there are.

The pure renderer is imported rather than copied: the HTML must be what a save would store.
"""

from django.db import migrations, models

from confide.practice.markdown import render_markdown, word_count

# Each model's Markdown fields and their HTML columns, as in the models' markdown_fields.
MARKDOWN_FIELDS = {
    "Practice": {"cancellation_policy": "cancellation_policy_html"},
    "Modality": {
        "what_it_is": "what_it_is_html",
        "session_like": "session_like_html",
        "who_it_helps": "who_it_helps_html",
    },
    "Clinician": {"bio": "bio_html"},
    "Page": {"body": "body_html"},
    "FaqItem": {"answer": "answer_html"},
    "Article": {"body": "body_html"},
}


def render_stored(apps, schema_editor):
    for model_name, fields in MARKDOWN_FIELDS.items():
        model = apps.get_model("practice", model_name)
        columns = list(fields.values()) + (["word_count"] if model_name == "Article" else [])
        rows = list(model.objects.all())
        for row in rows:
            for source, column in fields.items():
                setattr(row, column, render_markdown(getattr(row, source)))
            if model_name == "Article":
                row.word_count = word_count(row.body)
        # Historical models have no custom save(), and updated_at must not move.
        model.objects.bulk_update(rows, columns, batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0003_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="word_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="clinician",
            name="bio_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="faqitem",
            name="answer_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="modality",
            name="session_like_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="modality",
            name="what_it_is_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="modality",
            name="who_it_helps_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="page",
            name="body_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="practice",
            name="cancellation_policy_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(render_stored, migrations.RunPython.noop),
    ]
