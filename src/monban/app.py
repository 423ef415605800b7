"""create_app(settings): wires the runtime, routers, middleware and error handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from monban import __version__
from monban.api import admin as admin_api
from monban.api import app_passwords as app_passwords_api
from monban.api import authenticator as authenticator_api
from monban.api import diagnostics as diagnostics_api
from monban.api import factors as factors_api
from monban.api import federation as federation_api
from monban.api import mail as mail_api
from monban.api import me as me_api
from monban.api import oidc as oidc_api
from monban.api import oidc_admin as oidc_admin_api
from monban.api import recovery as recovery_api
from monban.api import signin as signin_api
from monban.api import support as support_api
from monban.api.oidc_fast_path import OAuthFastPath
from monban.clock import Clock
from monban.config import Settings
from monban.edge.allowed_hosts import AllowedHostsMiddleware, allowed_hosts
from monban.edge.body_limit import BodyLimitMiddleware
from monban.edge.error_json import error_response
from monban.edge.forwarded import ForwardedSchemeMiddleware
from monban.edge.minted_cookies import MintedCookiesMiddleware
from monban.edge.no_store import NoStoreMiddleware
from monban.errors import CatalogueError, ErrorCode
from monban.housekeeping import run_forever
from monban.network.client_ip import TrustedProxies
from monban.runtime import Runtime, build_runtime
from monban.store.audit import AuditEvent, record


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               runtime: Runtime | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        app.state.runtime = runtime or build_runtime(settings, clock)
        sweeper = asyncio.create_task(run_forever(app.state.runtime)) if own else None
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
            if own:
                await app.state.runtime.aclose()

    app = FastAPI(title="Monban", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,  # served from a packaged copy: web/api_docs.py
                  description="Accounts and sign-in server. Errors follow the catalogue: "
                              "`{\"error\": {code, message, help, fix_by}}`.")
    if runtime is not None:
        app.state.runtime = runtime
    app.state.trusted_proxies = TrustedProxies(settings.trusted_proxies)

    app.include_router(signin_api.router)
    app.include_router(me_api.router)
    app.include_router(admin_api.router)
    app.include_router(diagnostics_api.router)
    app.include_router(factors_api.router)
    app.include_router(recovery_api.router)
    app.include_router(support_api.router)
    app.include_router(authenticator_api.router)
    app.include_router(app_passwords_api.router)
    app.include_router(mail_api.router)
    app.include_router(oidc_api.router)
    app.include_router(oidc_admin_api.router)
    app.include_router(federation_api.router)
    _include_pages(app)

    app.add_exception_handler(CatalogueError, _signin_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(MintedCookiesMiddleware, settings=settings)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(NoStoreMiddleware)
    app.add_middleware(OAuthFastPath)  # OIDC machine endpoints (issue #6)
    # Outermost, in this order: the scheme a trusted proxy reports (and HSTS over https),
    # then the Host check, so every layer inside sees the client's scheme and a served host.
    app.add_middleware(AllowedHostsMiddleware,
                       allowed=allowed_hosts(settings.allowed_hosts, settings.base_url))
    app.add_middleware(ForwardedSchemeMiddleware, proxies=app.state.trusted_proxies,
                       hsts_seconds=settings.hsts_seconds)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Any:
        from monban.db.database import ping

        rt: Runtime = request.app.state.runtime
        try:
            await rt.db.run(ping, write=False)
            if rt.redis_counters is not None:
                await rt.redis_counters.ready()
        except Exception:  # noqa: BLE001 - any failure means not ready
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return {"status": "ready"}

    return app


def _include_pages(app: FastAPI) -> None:
    from monban.web import routes as web_routes

    web_routes.install(app)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", "")


async def _signin_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CatalogueError)
    if _wants_html(request):
        from monban.web.errors_page import error_page

        return error_page(request, exc)
    return error_response(request, exc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Field locations and error types only: never the submitted values (they may be secrets).
    fields = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "problem": e.get("type")}
              for e in exc.errors()[:20]]
    return await _signin_error(request,
                               CatalogueError("INVALID_REQUEST", detail={"fields": fields}))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    codes: dict[int, ErrorCode] = {404: "NOT_FOUND", 413: "REQUEST_TOO_LARGE"}
    error = CatalogueError(codes.get(exc.status_code, "INVALID_REQUEST"))
    response = await _signin_error(request, error)
    if exc.status_code == 405:
        response.status_code = 405
    return response


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        await runtime.db.run(_record_crash, runtime.clock.now(), request.url.path,
                             type(exc).__name__)
    except Exception:  # noqa: BLE001, S110 - the database may be what failed
        pass
    return await _signin_error(request, CatalogueError("INTERNAL_ERROR"))


def _record_crash(conn: Any, at: Any, path: str, kind: str) -> None:
    record(conn, AuditEvent(at=at, event="server.error", outcome="failure",
                            code="INTERNAL_ERROR", detail={"path": path, "type": kind}))
