"""Which address a request came from, as every limiter and the audit log see it."""

from __future__ import annotations

import pytest

from confide.lib.addresses import client_address


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        # No proxy trusted: the header is the client's own words and is ignored.
        ("198.51.100.1", None, 0, "198.51.100.1"),
        ("198.51.100.1", "203.0.113.9", 0, "198.51.100.1"),
        # One proxy appends the address it heard from; that one is the client.
        ("127.0.0.1", "203.0.113.9", 1, "203.0.113.9"),
        # Whatever the client wrote before it is not believed.
        ("127.0.0.1", "192.0.2.66, 203.0.113.9", 1, "203.0.113.9"),
        ("127.0.0.1", "192.0.2.66,203.0.113.9", 1, "203.0.113.9"),
        # Two proxies: the outer one's entry, second from the end.
        ("127.0.0.1", "192.0.2.66, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
        # A request that did not pass through the proxies: only the peer is known.
        ("198.51.100.1", None, 1, "198.51.100.1"),
        ("198.51.100.1", "", 1, "198.51.100.1"),
        ("198.51.100.1", "203.0.113.9", 2, "198.51.100.1"),
        ("127.0.0.1", " , ", 1, "127.0.0.1"),
        # Not an address: never a key anyone can choose freely.
        ("127.0.0.1", "not-an-address", 1, "127.0.0.1"),
        ("127.0.0.1", "203.0.113.9, unknown", 1, "127.0.0.1"),
        # One client, one spelling.
        ("127.0.0.1", "2001:DB8:0:0::1", 1, "2001:db8::1"),
        ("2001:0db8::0001", None, 0, "2001:db8::1"),
        # A peer that is not an IP address (a Unix socket) is kept as the server gave it.
        ("", None, 0, ""),
    ],
)
def test_it_trusts_only_the_configured_proxies(
    remote: str, forwarded: str | None, proxies: int, expected: str
) -> None:
    meta: dict[str, object] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(meta, trusted_proxies=proxies) == expected


def test_it_works_without_remote_addr() -> None:
    assert client_address({}, trusted_proxies=1) == ""
