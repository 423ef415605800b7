from __future__ import annotations

from ipaddress import ip_address

import pytest

from monban.network.client_ip import TrustedProxies


@pytest.mark.parametrize(("peer", "header", "trusted", "expected"), [
    ("203.0.113.5", None, [], "203.0.113.5"),
    ("203.0.113.5", "10.0.0.1", [], "203.0.113.5"),  # untrusted peer: header ignored
    ("127.0.0.1", "198.51.100.7", ["127.0.0.1"], "198.51.100.7"),
    ("127.0.0.1", "198.51.100.7, 10.0.0.2", ["127.0.0.1", "10.0.0.0/8"], "198.51.100.7"),
    ("127.0.0.1", "1.1.1.1, 198.51.100.7", ["127.0.0.1"], "198.51.100.7"),  # spoofed left hop
    ("127.0.0.1", "garbage", ["127.0.0.1"], "127.0.0.1"),
    ("::ffff:192.0.2.1", None, [], "192.0.2.1"),
    ("127.0.0.1", "[2001:db8::1]", ["127.0.0.1"], "2001:db8::1"),
    (None, None, [], "0.0.0.0"),
])
def test_client_ip(peer: str | None, header: str | None, trusted: list[str],
                   expected: str) -> None:
    assert TrustedProxies(trusted).client_ip(peer, header) == ip_address(expected)
