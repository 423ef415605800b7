"""Every JSON API response (/api/…) is `Cache-Control: no-store`.

Backup codes, TOTP secrets, app passwords, session tokens and recovery details travel in
these bodies; rather than trust each route to remember the header, the rule holds for the
whole prefix, and replaces any Cache-Control a route set. (Pages get it from web/render.py's
security headers; the OAuth endpoints set it themselves, RFC 6749 §5.1.)"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/api/"
NO_STORE = (b"cache-control", b"no-store")


class NoStoreMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return

        async def no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *((k, v) for k, v in message.get("headers", []) if k.lower() !=
                      b"cache-control"), NO_STORE]
            await send(message)

        await self.app(scope, receive, no_store)
