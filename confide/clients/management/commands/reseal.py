"""Re-seal every sealed value with the newest key and the context its row binds it to now."""

from __future__ import annotations

import argparse

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from confide.clients.sealed import SealedColumn, sealed_columns
from confide.keys.ring import keyring
from confide.lib.crypto import (
    DecryptionError,
    key_id_of,
    open_sealed_bytes,
    seal_bytes,
    sealed_prefix,
)


def reseal_columns() -> list[SealedColumn]:
    """Return every sealed column of every installed app, each with the context it binds."""
    return sealed_columns(apps.get_models())


class Command(BaseCommand):
    help = (
        "Re-seal clinical text with the newest data key, so older keys can be retired; with "
        "--bind-legacy, once after upgrading, also bind values written before notes were bound."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument(
            "--bind-legacy",
            action="store_true",
            help="Also open values sealed the way releases before bound notes sealed them (only "
            "row and field bound), and bind them to what their row says now. Run it once after "
            "upgrading, if old app servers wrote notes while the upgrade migrated.",
        )

    def handle(self, *args: object, **options: object) -> None:
        batch = int(options["batch"])  # type: ignore[call-overload]
        bind_legacy = bool(options["bind_legacy"])
        total = unopened = 0
        for column in reseal_columns():
            done, stuck = self._reseal(column, batch, bind_legacy=bind_legacy)
            total += done
            unopened += stuck
            self.stdout.write(
                f"{column.model._meta.verbose_name_plural} ({column.column}): {done} re-sealed"
            )
        current = keyring().current
        self.stdout.write(self.style.SUCCESS(f"{total} values now sealed with key {current!r}"))
        if unopened:
            raise CommandError(
                f"{unopened} values did not open with the configured keys and were left as they "
                "were; their pages say so. Check CONFIDE_DATA_KEYS and run reseal again. Notes "
                "written by an old app server during an upgrade open with --bind-legacy."
            )

    def _reseal(self, column: SealedColumn, batch: int, *, bind_legacy: bool) -> tuple[int, int]:
        ring = keyring()
        rows = column.model.objects.exclude(**{column.column: ""})  # type: ignore[attr-defined]
        # Only when asked: an older context binds less, so a value put back from a backup on a
        # relabelled or moved note would open with it and be bound to what the row says now.
        legacy = column.legacy if bind_legacy else None
        if column.legacy is None:
            # Without an older context, a value sealed with the current key is already current.
            rows = rows.exclude(**{f"{column.column}__startswith": sealed_prefix(ring.current)})
        pks = list(rows.order_by("pk").values_list("pk", flat=True))
        done = stuck = 0
        for start in range(0, len(pks), batch):
            with transaction.atomic():
                locked = column.model.objects.select_for_update().filter(  # type: ignore[attr-defined]
                    pk__in=pks[start : start + batch]
                )
                for row in locked:
                    sealed = getattr(row, column.column)
                    context = column.context(row)
                    contexts = [context] + ([legacy(row)] if legacy else [])
                    for tried in contexts:
                        try:
                            # Bytes either way: text is sealed as its UTF-8 encoding.
                            plain = open_sealed_bytes(sealed, context=tried, keyring=ring)
                        except DecryptionError:
                            continue
                        break
                    else:
                        stuck += 1
                        self.stderr.write(
                            f"{column.model._meta.label} {getattr(row, 'uid', row.pk)}: "
                            "does not open "
                            f"(key {key_id_of(sealed)!r})"
                        )
                        continue
                    if tried == context and key_id_of(sealed) == ring.current:
                        continue
                    column.model.objects.filter(pk=row.pk).update(  # type: ignore[attr-defined]
                        **{column.column: seal_bytes(plain, context=context, keyring=ring)}
                    )
                    done += 1
        return done, stuck
