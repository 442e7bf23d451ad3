"""Create the database cache table, so `migrate` alone sets up a server (see settings.CACHES)."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    # One-time TOTP codes and sign-in rate limits live there, shared by every app server.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_staff_profile")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
