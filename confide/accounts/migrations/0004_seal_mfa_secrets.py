"""Seal the second-factor secrets stored in clear before MFA_ADAPTER sealed new ones."""

from django.conf import settings
from django.db import migrations

from confide.lib.crypto import Keyring, key_id_of, open_sealed, seal

# The context StaffMFAAdapter seals with (confide/accounts/adapters.py), fixed here as it was
# when this migration was written.
CONTEXT = "allauth.mfa.secret"

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


def _keyring():
    # Straight from the setting: the app's keyring() may rely on tables later migrations make.
    return Keyring.parse(settings.DATA_KEYS)


def secrets_seal(apps, schema_editor):
    ring = _keyring()
    # Running twice, or after new rows were made sealed, must not seal a value twice.
    _each(
        apps,
        lambda value: value if key_id_of(value) else seal(value, context=CONTEXT, keyring=ring),
    )


def secrets_unseal(apps, schema_editor):
    ring = _keyring()
    _each(
        apps,
        lambda value: (
            open_sealed(value, context=CONTEXT, keyring=ring) if key_id_of(value) else value
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_cache_table"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(secrets_seal, secrets_unseal)]
