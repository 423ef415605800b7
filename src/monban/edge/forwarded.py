"""The scheme the client used, as a trusted proxy reports it, and HSTS over https.

A TLS-terminating proxy talks plain http to Monban; it says what the client used in
`X-Forwarded-Proto`. That header is believed only when the peer is one of
`MONBAN_TRUSTED_PROXIES` (the same list that decides whether X-Forwarded-For is believed);
from any other address it is ignored, so nobody can claim https (or http) for themselves.
The believed scheme replaces the ASGI scope's, so request.url, cookies.secure and the issuer
all see it. Responses to https requests carry Strict-Transport-Security
(`MONBAN_HSTS_SECONDS`; 0 sends none); plain http ones never do (RFC 6797 §7.2)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monban.network.client_ip import TrustedProxies, parse_ip

SCHEMES = frozenset({"http", "https"})


class ForwardedSchemeMiddleware:
    def __init__(self, app: ASGIApp, proxies: TrustedProxies, hsts_seconds: int) -> None:
        self.app = app
        self.proxies = proxies
        self.hsts = (f"max-age={hsts_seconds}".encode("latin-1") if hsts_seconds > 0
                     else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scheme = self.forwarded_scheme(scope)
        if scheme is not None:
            scope["scheme"] = scheme
        if scope.get("scheme") != "https" or self.hsts is None:
            await self.app(scope, receive, send)
            return
        hsts = self.hsts

        async def with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      (b"strict-transport-security", hsts)]
            await send(message)

        await self.app(scope, receive, with_hsts)

    def forwarded_scheme(self, scope: Scope) -> str | None:
        """The scheme the nearest trusted proxy reports (its own value is the last one of a
        list), or None when the peer is not a trusted proxy or says nothing usable."""
        client = scope.get("client")
        peer = parse_ip(client[0] if client else None)
        if peer is None or peer not in self.proxies:
            return None
        values = [value for key, value in scope["headers"] if key == b"x-forwarded-proto"]
        if not values:
            return None
        last = values[-1].decode("latin-1").rsplit(",", 1)[-1].strip().lower()
        return last if last in SCHEMES else None
