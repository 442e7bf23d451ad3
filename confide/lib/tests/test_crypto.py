"""Sealed values open only with their key and record; rotation keeps old ones readable."""

from __future__ import annotations

import base64

import pytest

from confide.lib.crypto import (
    DecryptionError,
    Keyring,
    KeyringError,
    key_check,
    key_id_of,
    mismatched_keys,
    open_sealed,
    seal,
)

# Fixed keys: parametrized ids show them, and parallel test workers must collect the same ids.
K1, K2, WRONG = bytes(range(32)), bytes(range(32, 64)), bytes(range(64, 96))


def _ring(*ids: str) -> Keyring:
    keys = {"k1": K1, "k2": K2}
    return Keyring(keys={i: keys[i] for i in ids}, current=ids[0])


def test_it_opens_what_it_sealed_for_the_same_record() -> None:
    sealed = seal("I felt ashamed", context="note:1:body", keyring=_ring("k1"))
    assert "ashamed" not in sealed
    assert open_sealed(sealed, context="note:1:body", keyring=_ring("k1")) == "I felt ashamed"


def test_each_seal_is_different() -> None:
    ring = _ring("k1")
    assert seal("same", context="c", keyring=ring) != seal("same", context="c", keyring=ring)


@pytest.mark.parametrize(
    ("context", "ring"),
    [
        ("note:2:body", ("k1",)),  # moved to another row
        ("note:1:plan", ("k1",)),  # moved to another field
        ("note:1:body", ("k2",)),  # key removed from the ring
    ],
)
def test_a_value_moved_or_without_its_key_does_not_open(
    context: str, ring: tuple[str, ...]
) -> None:
    sealed = seal("text", context="note:1:body", keyring=_ring("k1"))
    with pytest.raises(DecryptionError):
        open_sealed(sealed, context=context, keyring=_ring(*ring))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s[:-2] + ("AA" if not s.endswith("AA") else "BB"),
        lambda s: s.replace("v1.", "v2.", 1),
        lambda s: "plain text",
        lambda s: s.rsplit(".", 1)[0] + ".!!!",
        lambda s: s.rsplit(".", 1)[0] + ".",
    ],
)
def test_a_tampered_value_raises_instead_of_showing_anything(tamper: object) -> None:
    ring = _ring("k1")
    sealed = seal("text", context="c", keyring=ring)
    with pytest.raises(DecryptionError):
        open_sealed(tamper(sealed), context="c", keyring=ring)  # type: ignore[operator]


def test_old_values_open_after_rotation_and_new_ones_use_the_new_key() -> None:
    old = seal("before", context="c", keyring=_ring("k1"))
    rotated = _ring("k2", "k1")
    assert open_sealed(old, context="c", keyring=rotated) == "before"
    assert key_id_of(old) == "k1"
    assert key_id_of(seal("after", context="c", keyring=rotated)) == "k2"


def test_keyring_reads_and_writes_its_text_form() -> None:
    text = f"k2:{base64.urlsafe_b64encode(K2).decode()},k1:{base64.urlsafe_b64encode(K1).decode()}"
    ring = Keyring.parse(text)
    assert ring.current == "k2"
    assert ring.keys == {"k1": K1, "k2": K2}
    assert Keyring.parse(ring.format()) == ring


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no keys"),
        ("k1", "id:base64key"),
        ("k1:AAAA", "32 bytes"),
        (f"bad id:{base64.urlsafe_b64encode(K1).decode()}", "key id"),
        (
            f"k1:{base64.urlsafe_b64encode(K1).decode()},k1:{base64.urlsafe_b64encode(K2).decode()}",
            "twice",
        ),
        ("k1:***", "base64"),
    ],
)
def test_keyring_rejects_bad_configuration(text: str, message: str) -> None:
    with pytest.raises(KeyringError, match=message):
        Keyring.parse(text)


@pytest.mark.parametrize(
    ("configured", "checked_with", "wrong"),
    [
        ({"k1": K1}, {"k1": K1}, []),
        ({"k1": K1}, {}, []),  # never seen: nothing to compare with yet
        ({"k1": WRONG}, {"k1": K1}, ["k1"]),
        ({"k2": K2, "k1": WRONG}, {"k1": K1, "k2": K2}, ["k1"]),
        ({"k2": WRONG, "k1": WRONG}, {"k1": K1, "k2": K2}, ["k2", "k1"]),
        ({"k1": K1}, {"k2": K2}, []),  # a retired key's check is no concern
    ],
)
def test_a_key_whose_bytes_differ_from_its_check_is_named(
    configured: dict[str, bytes], checked_with: dict[str, bytes], wrong: list[str]
) -> None:
    checks = {
        key_id: key_check(Keyring(keys={key_id: key}, current=key_id), key_id)
        for key_id, key in checked_with.items()
    }
    ring = Keyring(keys=configured, current=next(iter(configured)))
    assert mismatched_keys(ring, checks) == wrong


@pytest.mark.parametrize(
    "check",
    [
        "",
        "not a sealed value",
        key_check(Keyring(keys={"k2": K1}, current="k2"), "k2"),  # made for another key id
    ],
    ids=["empty", "not sealed", "another key id"],
)
def test_a_check_that_is_not_this_keys_counts_as_a_mismatch(check: str) -> None:
    assert mismatched_keys(Keyring(keys={"k1": K1}, current="k1"), {"k1": check}) == ["k1"]


@pytest.mark.parametrize(
    ("ring", "key_id"),
    [(("k1",), "k1"), (("k2",), "k1")],  # a wrong record, and a key gone from the ring
)
def test_a_value_that_does_not_open_names_its_key_id(ring: tuple[str, ...], key_id: str) -> None:
    sealed = seal("text", context="c", keyring=_ring("k1"))
    with pytest.raises(DecryptionError) as raised:
        open_sealed(sealed, context="other", keyring=_ring(*ring))
    assert raised.value.key_id == key_id
    assert "text" not in str(raised.value)
