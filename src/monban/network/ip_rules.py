"""Allowed-IP rules: parsing what a person types ("203.0.113.5", "10.1.0.0/16", "2001:db8::/32")
and matching an address against a list."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_network

from monban.errors import CatalogueError
from monban.network.client_ip import IPAddress

Network = IPv4Network | IPv6Network


def parse_rule(text: str) -> Network:
    try:
        return ip_network(text.strip(), strict=False)
    except ValueError as exc:
        raise CatalogueError("INVALID_IP_RULE", detail={"value": text[:60]}) from exc


def allows(rules: Iterable[str], address: IPAddress) -> bool:
    """An empty list allows everyone; otherwise the address must fall in one rule."""
    networks = [ip_network(rule, strict=False) for rule in rules]
    return not networks or any(address in network for network in networks
                               if network.version == address.version)


def matching(rules: Iterable[tuple[str, str]], address: IPAddress) -> str | None:
    """The name of the first (name, cidr) rule that contains the address."""
    for name, cidr in rules:
        network = ip_network(cidr, strict=False)
        if network.version == address.version and address in network:
            return name
    return None
