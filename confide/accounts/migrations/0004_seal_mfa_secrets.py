"""Seal the second-factor secrets stored in clear before MFA_ADAPTER sealed new ones."""

from django.db import migrations

from confide.keys.ring import data_keys_verify
from confide.lib.crypto import key_id_of, open_sealed, seal

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


def _rows(apps):
    authenticator = apps.get_model("mfa", "Authenticator")
    return authenticator, authenticator.objects.filter(type__in=list(SECRET_FIELDS))


def _each(apps, change):
    authenticator, rows = _rows(apps)
    for row in rows.iterator():
        data = _change(row.data, row.type, change)
        if data != row.data:
            authenticator.objects.filter(pk=row.pk).update(data=data)


def _secrets(apps):
    """Yield every secret kept in an authenticator's data, sealed or not."""
    for row in _rows(apps)[1].iterator():
        for field in SECRET_FIELDS.get(row.type, ()):
            if isinstance(row.data.get(field), str):
                yield row.data[field]
        for field in CODE_LISTS.get(row.type, ()):
            if isinstance(row.data.get(field), list):
                yield from row.data[field]


def secrets_seal(apps, schema_editor):
    if all(key_id_of(value) for value in _secrets(apps)):
        return
    # The keys are verified first, as for every use: a wrong key under the right id is refused
    # before any secret is sealed with it.
    ring = data_keys_verify(registry=apps)
    # Running twice, or after new rows were made sealed, must not seal a value twice.
    _each(
        apps,
        lambda value: value if key_id_of(value) else seal(value, context=CONTEXT, keyring=ring),
    )


def secrets_unseal(apps, schema_editor):
    if not any(key_id_of(value) for value in _secrets(apps)):
        return
    ring = data_keys_verify(registry=apps)
    _each(
        apps,
        lambda value: (
            open_sealed(value, context=CONTEXT, keyring=ring) if key_id_of(value) else value
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_cache_table"),
        ("keys", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(secrets_seal, secrets_unseal)]
