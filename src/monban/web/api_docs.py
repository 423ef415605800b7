"""/docs (Swagger UI) and /redoc (ReDoc) for the JSON API, served from this server with a
Content-Security-Policy, so they work offline and load no code from a CDN.

The viewers' files come from the `fastapi-offline` package (MIT; it ships the released
swagger-ui-dist and redoc bundles under fastapi_offline/static and is kept in step with
FastAPI); Monban uses only those files, not its FastAPI wrapper. The pages run no inline
script: Swagger UI is started by /static/api-docs.js, ReDoc by its own <redoc> element. Both
viewers inject style elements, and ReDoc runs a worker from a blob: URL, hence the two
allowances below, given to these two pages only."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

VIEWERS = Path(fastapi_offline.__file__).parent / "static"
ASSETS = "/docs/assets"
OPENAPI = "/openapi.json"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
       "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
           "Cache-Control": "no-cache"}

SWAGGER = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Monban API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec-url="{OPENAPI}"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""

REDOC = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Monban API</title></head>
<body><redoc spec-url="{OPENAPI}"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script></body></html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(SWAGGER, headers=HEADERS)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return HTMLResponse(REDOC, headers=HEADERS)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=VIEWERS), name="api-docs-assets")
