"""Set the device, flow binder and CSRF cookies minted while handling a request
(request_facts, csrf)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monban.config import Settings
from monban.edge import cookies


class MintedCookiesMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure = cookies.secure_scope(self.settings, scope)
                extra = []
                device = scope.get("monban.new_device")
                if device:
                    extra.append(_cookie(cookies.name(cookies.DEVICE, secure), device,
                                         cookies.DEVICE_MAX_AGE, secure))
                binder = scope.get("monban.new_flow_binder")
                if binder:
                    extra.append(_cookie(cookies.name(cookies.FLOW_BINDER, secure), binder, None,
                                         secure))
                token = scope.get("monban.new_csrf")
                if token:
                    extra.append(_cookie(cookies.name(cookies.CSRF, secure), token, None,
                                         secure))
                if extra:
                    message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, wrapped)


def _cookie(name: str, value: str, max_age: int | None, secure: bool) -> tuple[bytes, bytes]:
    jar: SimpleCookie = SimpleCookie()
    jar[name] = value
    morsel = jar[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if max_age is not None:
        morsel["max-age"] = str(max_age)
    if secure:
        morsel["secure"] = True
    return b"set-cookie", morsel.OutputString().encode("latin-1")
