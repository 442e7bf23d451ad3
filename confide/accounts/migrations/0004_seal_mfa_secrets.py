"""Seal the second-factor secrets stored in clear before MFA_ADAPTER sealed new ones."""

from django.db import migrations

from confide.lib.crypto import key_id_of

# The values allauth passes through its encrypt() hook, per kind of authenticator.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
CODE_LISTS = {"recovery_codes": ("migrated_codes",)}


def _change(data, kind, change):
    """Return a copy of an authenticator's data with each secret passed through ``change``."""
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = change(data[field])
    for field in CODE_LISTS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [change(code) for code in data[field]]
    return data


def _each(apps, change):
    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.filter(type__in=list(SECRET_FIELDS)).iterator():
        data = _change(row.data, row.type, change)
        if data != row.data:
            authenticator.objects.filter(pk=row.pk).update(data=data)


def secrets_seal(apps, schema_editor):
    from confide.accounts.adapters import mfa_secret_seal

    # Running twice, or after new rows were made sealed, must not seal a value twice.
    _each(apps, lambda value: value if key_id_of(value) else mfa_secret_seal(value))


def secrets_unseal(apps, schema_editor):
    from confide.accounts.adapters import mfa_secret_open

    _each(apps, lambda value: mfa_secret_open(value) if key_id_of(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_cache_table"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(secrets_seal, secrets_unseal)]
