"""Second-factor secrets sealed with the data keys, offered to the data key checks."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps.registry import Apps

from confide.accounts.adapters import MFA_SECRET_CONTEXT
from confide.keys.ring import WITNESSES_PER_COLUMN, Witness, sealed_witness
from confide.lib.crypto import key_id_of


def second_factor_secrets(registry: Apps, key_id: str) -> Iterator[Witness]:
    """Yield the first authenticator secrets and recovery seeds sealed with ``key_id``."""
    from confide.accounts.services import MFA_SECRET_FIELDS, MFA_SECRET_LISTS

    try:
        authenticator = registry.get_model("mfa", "Authenticator")
    except LookupError:
        return
    # A practice has a handful of staff: their rows are read whole, the JSON sifted here.
    rows = authenticator._base_manager.filter(type__in=list(MFA_SECRET_FIELDS)).order_by("pk")
    found = 0
    for kind, data in rows.values_list("type", "data"):
        values = [data.get(field) for field in MFA_SECRET_FIELDS.get(kind, ())]
        for field in MFA_SECRET_LISTS.get(kind, ()):
            values += data.get(field) or []
        for value in values:
            if isinstance(value, str) and key_id_of(value) == key_id:
                yield sealed_witness(value, [MFA_SECRET_CONTEXT])
                found += 1
                if found >= WITNESSES_PER_COLUMN:
                    return
