"""Seal safe times, preferred times and close reasons; bind note text to its kind and state.

The contexts are written out here rather than imported, so this migration keeps meaning what it
meant when it was written. Values are read and written as columns, never through the models.
"""

import datetime as dt
import uuid

from django.db import migrations

from confide.keys.ring import data_keys_verify
from confide.lib.crypto import DecryptionError, key_id_of, open_sealed, seal

WISHES = [
    (
        "ConsultationRequest",
        "consultationrequest",
        ["safe_times", "preferred_times", "close_reason"],
    ),
    ("Person", "person", ["safe_times"]),
]


def _note_context(note, client_uid, signed_at):
    signed = signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if signed_at else "draft"
    return (
        f"clients.clinicalnote:{note.uid}:body|kind={note.kind};template={note.template};"
        f"client={client_uid};signed={signed}"
    )


def _rebind(model, column, rows, ring, moves):
    """Open each value with one context and seal it with another.

    A value sealed with a configured key that does not open was changed in the database (or
    its row was): stop, naming the rows, rather than leave it behind. Return how many values
    named a key that is not configured; they stay as they were.
    """
    unopened, keyless = [], 0
    for pk, uid, sealed, old, new in moves(rows):
        if key_id_of(sealed) not in ring.keys:
            # Its key was removed before the upgrade: nothing can open it here; it keeps
            # refusing to open, and its page says so, until the key is configured again.
            keyless += 1
            continue
        try:
            plain = open_sealed(sealed, context=old, keyring=ring)
        except DecryptionError:
            unopened.append((uid, key_id_of(sealed)))
            continue
        model.objects.filter(pk=pk).update(**{column: seal(plain, context=new, keyring=ring)})
    if unopened:
        uids = ", ".join(str(uid) for uid, _ in unopened[:10])
        raise DecryptionError(
            f"{len(unopened)} {model._meta.label} value(s) sealed with configured key "
            f"{unopened[0][1]!r} do not open (uids {uids}); nothing was changed. Put those "
            "rows back as they were (a backup has them) and migrate again.",
            key_id=unopened[0][1],
        )
    return keyless


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
    # Verified before anything is sealed: a wrong key under the right id is refused here.
    ring = data_keys_verify(registry=apps)

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
    keyless = _rebind(
        note,
        "body_sealed",
        notes,
        ring,
        lambda rows: (
            (
                n.pk,
                n.uid,
                n.body_sealed,
                f"clients.clinicalnote:{n.uid}:body",
                _note_context(n, n.client.uid, n.signed_at),
            )
            for n in rows
        ),
    )
    keyless += _rebind(
        amendment,
        "text_sealed",
        amendment.objects.select_related("note"),
        ring,
        lambda rows: (
            (
                a.pk,
                a.uid,
                a.text_sealed,
                f"clients.noteamendment:{a.uid}:text",
                f"clients.noteamendment:{a.uid}:text|note={a.note.uid}",
            )
            for a in rows
        ),
    )
    if keyless:
        print(
            f"\n  {keyless} note value(s) name a key that is not configured and were left as "
            "they were: configure that key and run `manage.py reseal --bind-legacy`."
        )


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
    ring = data_keys_verify(registry=apps)

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
                n.uid,
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
                a.uid,
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
        ("keys", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
