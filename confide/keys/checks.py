"""A system check refusing a data key that is not the one its id was first used with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from confide.keys.ring import configured_keyring, data_keys_refused
from confide.lib.crypto import KeyringError


@register("data_keys")
def data_keys_match_their_checks(
    app_configs: Sequence[Any] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: object,
) -> list[CheckMessage]:
    """Return an error naming each configured key its stored check or stored values refuse.

    Runs with check, migrate, runserver and other commands. A database that cannot be read yet
    (not created, not migrated, not reachable) is no error here: the keyring is verified again
    on first use.
    """
    if databases is not None and DEFAULT_DB_ALIAS not in databases:
        return []
    try:
        configured_keyring()
    except KeyringError:
        return []  # settings already refuse a malformed keyring, with its own message
    try:
        wrong = data_keys_refused()
    except DatabaseError:
        return []
    return [
        Error(
            f"CONFIDE_DATA_KEYS: key {key_id!r} does not match the key {key_id!r} this database "
            "was first used with.",
            hint=(
                f"Configure the original key {key_id!r}; a new key needs a new id. Values sealed "
                "with a wrong key could never be opened with the right one, so nothing starts."
            ),
            id="keys.E001",
        )
        for key_id in wrong
    ]
