"""The provider's machine endpoints (token, introspection, revocation, UserInfo) served
straight from the outermost middleware: for these four paths the request skips the page
middlewares (minted cookies, body limit), FastAPI's router (which walks every included
router before it finds these) and its exception layers. Measured with
bench/oidc_throughput.py and py-spy: routing and middlewares were about half of the event
loop's time per client_credentials grant. The endpoints themselves are the plain Starlette
functions of api/oidc.py, which read at most 16 KiB of body; any other path goes on to the
app unchanged."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from monban.api import oidc
from monban.errors import CatalogueError


class OAuthFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.endpoints = {path: (endpoint, methods) for path, endpoint, methods in oidc.MACHINE}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.endpoints.get(scope["path"]) if scope["type"] == "http" else None
        if found is None or scope["method"] not in found[1]:
            await self.app(scope, receive, send)
            return
        try:
            response = await found[0](Request(scope, receive))
        except CatalogueError as error:
            if error.code != "SERVICE_UNAVAILABLE":
                raise
            # The database (or Redis) is away: a temporary answer, as the app's own
            # SERVICE_UNAVAILABLE is for people; the caller may retry.
            await JSONResponse({"error": "temporarily_unavailable",
                                "error_description": "try again shortly"}, status_code=503,
                               headers={**oidc.NO_STORE, "Retry-After": "5"})(
                scope, receive, send)
            return
        except Exception:  # noqa: BLE001 - answered in the OAuth shape, then re-raised
            await JSONResponse({"error": "server_error"}, status_code=500,
                               headers=oidc.NO_STORE)(scope, receive, send)
            raise
        await response(scope, receive, send)
