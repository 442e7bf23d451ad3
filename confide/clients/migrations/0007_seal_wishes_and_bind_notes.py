"""Seal safe times, preferred times and close reasons; bind note text to its kind and state.

The contexts are written out here rather than imported, so this migration keeps meaning what it
meant when it was written. Values are read and written as columns, never through the models.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

from confide.lib.crypto import (
    DecryptionError,
    Keyring,
    key_check,
    mismatched_keys,
    open_sealed,
    seal,
)

WISHES = [
    (
        "ConsultationRequest",
        "consultationrequest",
        ["safe_times", "preferred_times", "close_reason"],
    ),
    ("Person", "person", ["safe_times"]),
]


def _verified_keyring(apps):
    """Return the configured keyring once every key matches its check (recording new ones)."""
    ring = Keyring.parse(settings.DATA_KEYS)
    checks = apps.get_model("clients", "DataKeyCheck")
    stored = dict(checks.objects.values_list("key_id", "check_value"))
    for key_id in ring.keys:
        if key_id not in stored:
            stored[key_id] = key_check(ring, key_id)
            checks.objects.create(key_id=key_id, check_value=stored[key_id])
    wrong = mismatched_keys(ring, stored)
    if wrong:
        raise ImproperlyConfigured(
            f"CONFIDE_DATA_KEYS: key {wrong[0]!r} does not match the key {wrong[0]!r} this "
            "database was first used with; nothing was sealed."
        )
    return ring


def _note_context(note, client_uid, signed_at):
    signed = signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if signed_at else "draft"
    return (
        f"clients.clinicalnote:{note.uid}:body|kind={note.kind};template={note.template};"
        f"client={client_uid};signed={signed}"
    )


def _rebind(model, column, rows, ring, moves):
    """Open each value with one context and seal it with another; return how many did not open."""
    stuck = 0
    for pk, sealed, old, new in moves(rows):
        try:
            plain = open_sealed(sealed, context=old, keyring=ring)
        except DecryptionError:
            # Tampered or sealed with a key no longer configured: left as it was, it still
            # refuses to open, and the page says so.
            stuck += 1
            continue
        model.objects.filter(pk=pk).update(**{column: seal(plain, context=new, keyring=ring)})
    return stuck


def forward(apps, schema_editor):
    person = apps.get_model("clients", "Person")
    for pk in person.objects.filter(uid__isnull=True).values_list("pk", flat=True):
        person.objects.filter(pk=pk).update(uid=uuid.uuid4())

    note = apps.get_model("clients", "ClinicalNote")
    amendment = apps.get_model("clients", "NoteAmendment")
    plain = any(
        apps.get_model("clients", name).objects.exclude(**{field: ""}).exists()
        for name, _, fields in WISHES
        for field in fields
    )
    if not (plain or note.objects.exclude(body_sealed="").exists() or amendment.objects.exists()):
        return
    ring = _verified_keyring(apps)

    for name, label, fields in WISHES:
        model = apps.get_model("clients", name)
        for field in fields:
            for pk, uid, text in model.objects.exclude(**{field: ""}).values_list(
                "pk", "uid", field
            ):
                context = f"clients.{label}:{uid}:{field}"
                model.objects.filter(pk=pk).update(
                    **{f"{field}_sealed": seal(text, context=context, keyring=ring)}
                )

    notes = note.objects.exclude(body_sealed="").select_related("client")
    stuck = _rebind(
        note,
        "body_sealed",
        notes,
        ring,
        lambda rows: (
            (
                n.pk,
                n.body_sealed,
                f"clients.clinicalnote:{n.uid}:body",
                _note_context(n, n.client.uid, n.signed_at),
            )
            for n in rows
        ),
    )
    stuck += _rebind(
        amendment,
        "text_sealed",
        amendment.objects.select_related("note"),
        ring,
        lambda rows: (
            (
                a.pk,
                a.text_sealed,
                f"clients.noteamendment:{a.uid}:text",
                f"clients.noteamendment:{a.uid}:text|note={a.note.uid}",
            )
            for a in rows
        ),
    )
    if stuck:
        print(f"\n  {stuck} note value(s) did not open and were left as they were.")


def backward(apps, schema_editor):
    note = apps.get_model("clients", "ClinicalNote")
    amendment = apps.get_model("clients", "NoteAmendment")
    sealed = any(
        apps.get_model("clients", name).objects.exclude(**{f"{field}_sealed": ""}).exists()
        for name, _, fields in WISHES
        for field in fields
    )
    if not (sealed or note.objects.exclude(body_sealed="").exists() or amendment.objects.exists()):
        return
    ring = _verified_keyring(apps)

    for name, label, fields in WISHES:
        model = apps.get_model("clients", name)
        for field in fields:
            rows = model.objects.exclude(**{f"{field}_sealed": ""})
            for pk, uid, value in rows.values_list("pk", "uid", f"{field}_sealed"):
                context = f"clients.{label}:{uid}:{field}"
                text = open_sealed(value, context=context, keyring=ring)
                model.objects.filter(pk=pk).update(**{field: text})

    _rebind(
        note,
        "body_sealed",
        note.objects.exclude(body_sealed="").select_related("client"),
        ring,
        lambda rows: (
            (
                n.pk,
                n.body_sealed,
                _note_context(n, n.client.uid, n.signed_at),
                f"clients.clinicalnote:{n.uid}:body",
            )
            for n in rows
        ),
    )
    _rebind(
        amendment,
        "text_sealed",
        amendment.objects.select_related("note"),
        ring,
        lambda rows: (
            (
                a.pk,
                a.text_sealed,
                f"clients.noteamendment:{a.uid}:text|note={a.note.uid}",
                f"clients.noteamendment:{a.uid}:text",
            )
            for a in rows
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_key_checks_and_sealed_columns"),
    ]

    operations = [migrations.RunPython(forward, backward)]
