"""Compare a restored scratch database with the manifest its backup recorded."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection

from confide.clients.sealed import sealed_attributes
from confide.keys.ring import DataKeyMismatchError
from confide.lib.crypto import DecryptionError
from confide.operations import archive

# Tables the drill itself may write to before counting: migrate on an older backup records its
# migrations, and the first use of the exported keys records their checks.
WRITTEN_BY_THE_DRILL = {"django_migrations", "keys_datakeycheck"}


def restored_copy_check(manifest: dict[str, Any]) -> dict[str, Any]:
    """Return the copy's row counts, how many sealed samples opened, and every mismatch.

    Problems name tables, models, columns and record ids only, never a value.
    """
    problems: list[str] = []
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        expected: dict[str, int] = manifest["counts"]
        counts = archive.row_counts(cursor, [t for t in expected if t in present])
    for table, rows in sorted(expected.items()):
        if table in WRITTEN_BY_THE_DRILL:
            continue
        if table not in counts:
            problems.append(f"table {table} is missing from the restored copy")
        elif counts[table] != rows:
            problems.append(f"table {table}: {counts[table]} rows, the backup recorded {rows}")
    opened = 0
    for sample in manifest["sealed"]:
        where = f"{sample['model']} #{sample['pk']} {sample['column']}"
        model = apps.get_model(sample["model"])
        attribute = next(
            (a for a in sealed_attributes(model) if a.column == sample["column"]), None
        )
        row = model._default_manager.filter(pk=sample["pk"]).first()
        if attribute is None or row is None:
            problems.append(f"{where} is missing from the restored copy")
            continue
        if archive.digest(getattr(row, sample["column"])) != sample["digest"]:
            problems.append(f"{where} differs from the value the backup recorded")
            continue
        try:
            attribute.fget(row)  # type: ignore[misc]
        except (DecryptionError, DataKeyMismatchError) as error:
            key_id = getattr(error, "key_id", None)
            problems.append(
                f"{where} does not open with the exported keys"
                + (f" (key id {key_id})" if key_id else f" ({type(error).__name__})")
            )
            continue
        opened += 1
    return {"counts": counts, "opened": opened, "problems": problems}
