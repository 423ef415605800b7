"""The client's address: the peer, or X-Forwarded-For when the peer is a trusted proxy."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address


class TrustedProxies:
    def __init__(self, entries: Sequence[str]) -> None:
        self._networks = [ip_network(entry, strict=False) for entry in entries]

    def __contains__(self, address: IPAddress) -> bool:
        return any(address in network for network in self._networks)

    def client_ip(self, peer: str | None, forwarded_for: str | None) -> IPAddress:
        """Walk X-Forwarded-For from the right while the hop is a trusted proxy; the first
        untrusted hop is the client. Without trusted proxies the header is ignored."""
        address = parse_ip(peer) or IPv4Address("0.0.0.0")  # noqa: S104 - "unknown peer"
        if not forwarded_for or address not in self:
            return address
        for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
            parsed = parse_ip(hop)
            if parsed is None:
                return address
            address = parsed
            if address not in self:
                return address
        return address


def parse_ip(value: str | None) -> IPAddress | None:
    """An address (IPv4-mapped IPv6 as IPv4), or None when it is not one."""
    if not value:
        return None
    try:
        address = ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
