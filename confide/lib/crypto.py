"""Authenticated encryption of clinical text with rotating keys; no Django imports.

A sealed value reads ``v1.<key id>.<base64url(nonce || ciphertext || tag)>``. Encryption is
AES-256-GCM with a fresh 96-bit nonce per value. The associated data names the record and field
the value belongs to, so a value copied into another row or field fails to open instead of being
read as that row's text.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "v1"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, wrong record, or tampered with."""

    def __init__(self, message: str, *, key_id: str | None = None) -> None:
        super().__init__(message)
        # Which key the value names, so an operator can be told without showing the value.
        self.key_id = key_id


class KeyringError(ValueError):
    """The key configuration is missing or malformed."""


@dataclass(frozen=True)
class Keyring:
    """The keys that may open values, and the one new values are sealed with."""

    keys: Mapping[str, bytes]
    current: str

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeyringError("the current key must be one of the keys")
        for key_id, key in self.keys.items():
            if not _KEY_ID.match(key_id):
                raise KeyringError(f"key id {key_id!r} must be 1-32 letters, digits, - or _")
            if len(key) != 32:
                raise KeyringError(f"key {key_id!r} must be 32 bytes (256 bits)")

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Read ``id:base64key,id:base64key``; the first key seals new values."""
        keys: dict[str, bytes] = {}
        current = ""
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            key_id, sep, encoded = part.partition(":")
            if not sep:
                raise KeyringError("each key is written id:base64key")
            try:
                padded = encoded + "=" * (-len(encoded) % 4)
                key = base64.b64decode(padded, altchars=b"-_", validate=True)
            except ValueError:
                raise KeyringError(f"key {key_id!r} is not valid base64") from None
            if key_id in keys:
                raise KeyringError(f"key id {key_id!r} appears twice")
            keys[key_id] = key
            current = current or key_id
        if not keys:
            raise KeyringError("no keys given")
        return cls(keys=keys, current=current)

    def format(self) -> str:
        """Write the keyring back in the form ``parse`` reads, current key first."""
        order = [self.current, *(k for k in self.keys if k != self.current)]
        return ",".join(f"{k}:{base64.urlsafe_b64encode(self.keys[k]).decode()}" for k in order)


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(plaintext: str, *, context: str, keyring: Keyring) -> str:
    """Encrypt text for the record and field named by ``context``."""
    return seal_bytes(plaintext.encode(), context=context, keyring=keyring)


def seal_bytes(data: bytes, *, context: str, keyring: Keyring) -> str:
    """Encrypt bytes (a document, say) for the record and field named by ``context``."""
    return _seal_with(keyring, keyring.current, data, context)


def _seal_with(keyring: Keyring, key_id: str, data: bytes, context: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(keyring.keys[key_id]).encrypt(nonce, data, context.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{_PREFIX}.{key_id}.{body}"


def sealed_prefix(key_id: str) -> str:
    """Return how every value sealed with key ``key_id`` begins."""
    return f"{_PREFIX}.{key_id}."


def key_id_of(sealed: str) -> str | None:
    """Return which key sealed a value, or None when it is not a sealed value."""
    parts = sealed.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == _PREFIX else None


def open_sealed(sealed: str, *, context: str, keyring: Keyring) -> str:
    """Decrypt a value sealed for ``context``; raise DecryptionError if it does not open."""
    return open_sealed_bytes(sealed, context=context, keyring=keyring).decode()


def open_sealed_bytes(sealed: str, *, context: str, keyring: Keyring) -> bytes:
    """Decrypt bytes sealed for ``context``; raise DecryptionError if they do not open."""
    parts = sealed.split(".", 2)
    if len(parts) != 3 or parts[0] != _PREFIX:
        raise DecryptionError("not a sealed value")
    key = keyring.keys.get(parts[1])
    if key is None:
        raise DecryptionError(f"no key {parts[1]!r} in the keyring", key_id=parts[1])
    try:
        raw = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        plaintext = AESGCM(key).decrypt(raw[:12], raw[12:], context.encode())
    except (InvalidTag, ValueError) as error:
        raise DecryptionError(
            f"value does not open with key {parts[1]!r} and its record", key_id=parts[1]
        ) from error
    return plaintext


# A key's check value is this text sealed with the key alone. Opening it again proves the key
# has the same bytes as when the check was made, without storing anything that helps guess it.
_CHECK_TEXT = b"confide key check"


def key_check(keyring: Keyring, key_id: str) -> str:
    """Return a check value for one key of the keyring, to store beside the data it seals."""
    return _seal_with(keyring, key_id, _CHECK_TEXT, f"keycheck:{key_id}")


def mismatched_keys(keyring: Keyring, checks: Mapping[str, str]) -> list[str]:
    """Return the ids of keys whose bytes differ from the ones their stored check was made with.

    Keys without a stored check are not listed: they have not been seen yet.
    """
    wrong = []
    for key_id in keyring.keys:
        check = checks.get(key_id)
        if check is None:
            continue
        if key_id_of(check) != key_id:
            wrong.append(key_id)
            continue
        try:
            opened = open_sealed_bytes(check, context=f"keycheck:{key_id}", keyring=keyring)
        except DecryptionError:
            opened = b""
        if opened != _CHECK_TEXT:
            wrong.append(key_id)
    return wrong
