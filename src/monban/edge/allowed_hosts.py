"""Refuse requests whose Host header names a host this installation does not serve.

Without MONBAN_BASE_URL, links Monban hands out (the OIDC issuer and discovery document,
cached by clients for 300 s, and help links) are built from the request's Host; a forged Host
would put someone else's address in them. So the Host must be one of MONBAN_ALLOWED_HOSTS
(exact names, `*.example.com` for any subdomain, or `*` for any host, only behind a proxy that
checks Host itself); when that list is empty: localhost, 127.0.0.1, [::1] and the host of
MONBAN_BASE_URL. The port is not compared. A refused host gets INVALID_REQUEST (400) from the
catalogue. /healthz and /readyz answer any host (load balancers probe by address)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from monban.edge.error_json import error_response
from monban.errors import CatalogueError

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
PROBES = frozenset({"/healthz", "/readyz"})


def allowed_hosts(configured: Sequence[str], base_url: str) -> tuple[str, ...]:
    if configured:
        return tuple(host.strip().lower() for host in configured if host.strip())
    hosts = list(LOOPBACK)
    if base_url:
        parsed = urlsplit(base_url)
        if parsed.hostname:
            hosts.append(host_name(parsed.netloc))
    return tuple(hosts)


def host_name(value: str) -> str:
    """The host part of a Host header, lower-cased, without the port; IPv6 in brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_allowed(host: str, allowed: Sequence[str]) -> bool:
    if not host:
        return False
    for pattern in allowed:
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class AllowedHostsMiddleware:
    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = tuple(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PROBES:
            await self.app(scope, receive, send)
            return
        headers = [value for key, value in scope["headers"] if key == b"host"]
        host = host_name(headers[0].decode("latin-1")) if len(headers) == 1 else ""
        if is_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        # The error's help link must not carry the refused host: use the address the client
        # actually connected to.
        server = scope.get("server") or ("localhost", None)
        own = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
        safe = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"host"]
                + [(b"host", own.encode("latin-1"))]}
        response = error_response(Request(safe, receive), CatalogueError("INVALID_REQUEST",
                                                                      detail={"field": "host"}))
        await response(scope, receive, send)
