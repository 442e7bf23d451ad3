from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from confide.clients.models import ClinicalNote, ConsultationRequest, Document, NoteAmendment
from confide.clients.sealed import keyring
from confide.lib.crypto import key_id_of, open_sealed_bytes, seal_bytes

# Every sealed column, with the label its values are bound to.
SEALED: list[tuple[type[Any], str, str]] = [
    (ClinicalNote, "body_sealed", "body"),
    (NoteAmendment, "text_sealed", "text"),
    (ConsultationRequest, "note_sealed", "note"),
    (Document, "data_sealed", "data"),
]


class Command(BaseCommand):
    help = "Re-seal clinical text with the newest data key, so older keys can be retired."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: object, **options: object) -> None:
        ring = keyring()
        batch = int(options["batch"])  # type: ignore[call-overload]
        total = 0
        for model, column, label in SEALED:
            done = 0
            pks = list(
                model.objects.exclude(**{column: ""})
                .exclude(**{f"{column}__startswith": f"v1.{ring.current}."})
                .values_list("pk", flat=True)
            )
            for start in range(0, len(pks), batch):
                with transaction.atomic():
                    rows = model.objects.select_for_update().filter(
                        pk__in=pks[start : start + batch]
                    )
                    for row in rows:
                        sealed = getattr(row, column)
                        if key_id_of(sealed) == ring.current:
                            continue
                        context = f"{model._meta.label_lower}:{row.uid}:{label}"
                        # Bytes either way: text is sealed as its UTF-8 encoding.
                        plain = open_sealed_bytes(sealed, context=context, keyring=ring)
                        model.objects.filter(pk=row.pk).update(
                            **{column: seal_bytes(plain, context=context, keyring=ring)}
                        )
                        done += 1
            total += done
            self.stdout.write(f"{model._meta.verbose_name_plural}: {done} re-sealed")
        self.stdout.write(
            self.style.SUCCESS(f"{total} values now sealed with key {ring.current!r}")
        )
