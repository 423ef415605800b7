"""Refuse request bodies over the configured size with REQUEST_TOO_LARGE (413), whether the
client declared the length or streams it (chunked, no Content-Length).

A streamed body is counted as the app reads it. Once the count passes the limit, reading
raises BodyTooLarge; whatever the app then does with that (FastAPI's body parser turns any
exception into a 400, a page may answer an error page, or it may propagate) is replaced by
the 413: the app's own response is withheld, never sent. The 413 is the catalogue's error,
rendered like every other (edge/error_json.py): the request's language, an absolute help
link, Cache-Control: no-store."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monban.edge.error_json import error_response
from monban.errors import CatalogueError


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = [value for key, value in scope["headers"] if key == b"content-length"]
        if declared and (len(declared) > 1 or not declared[0].isdigit()
                         or int(declared[0]) > self.max_bytes):
            await _too_large(scope, receive, send)
            return
        seen = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            if exceeded:
                raise BodyTooLarge
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return msg

        async def guarded_send(msg: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a body it could not read: replaced below
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(Request(scope, receive), CatalogueError("REQUEST_TOO_LARGE"))
    await response(scope, receive, send)
