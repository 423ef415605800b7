"""HTTP glue of the provider's machine endpoints: discovery, JWKS, token, UserInfo,
introspection, revocation. Errors answer in the OAuth shape (RFC 6749 §5.2), not the
catalogue's: these endpoints speak to OAuth libraries, not people.

The token, introspection, revocation and UserInfo endpoints are plain Starlette functions,
not FastAPI routes: they read a urlencoded body or a bearer header and nothing else, so
FastAPI's dependency, validation and routing layers would only add cost on the hottest paths
(see bench/oidc_throughput.py); api/oidc_fast_path.py serves them ahead of the app. They are
described by the discovery document and docs/oidc.md instead of the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from monban.edge.app_runtime import runtime_of
from monban.errors import CatalogueError
from monban.oidc import discovery, grants, introspection, revocation, userinfo
from monban.oidc.discovery import PATHS
from monban.oidc.errors import OAuthError
from monban.web.signin.oidc import issuer_of, single_params

router = APIRouter(tags=["OpenID Connect"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"
MAX_FORM = 16 * 1024



@router.get("/.well-known/openid-configuration", summary="OpenID Provider metadata")
async def openid_configuration(request: Request) -> Response:
    return JSONResponse(discovery.document(issuer_of(request)),
                        headers={"Access-Control-Allow-Origin": "*",
                                 "Cache-Control": "public, max-age=300"})


@router.get("/oauth/jwks", summary="The provider's public signing keys (JWKS)")
async def jwks(request: Request) -> Response:
    ring = await runtime_of(request).oidc.ring()
    return JSONResponse(ring.jwks, headers={"Access-Control-Allow-Origin": "*",
                                            "Cache-Control": "public, max-age=60"})


def _caller(request: Request) -> grants.Caller:
    """Who called, for the audit log (no device cookie: these callers are servers)."""
    peer = request.client.host if request.client else None
    ip = request.app.state.trusted_proxies.client_ip(peer, request.headers.get("x-forwarded-for"))
    return grants.Caller(str(ip), request.headers.get("user-agent", "")[:512])


def oauth_error(error: OAuthError, basic: bool = False) -> Response:
    headers = dict(NO_STORE)
    if error.status == 401 and basic:
        headers["WWW-Authenticate"] = 'Basic realm="monban"'
    return JSONResponse(error.as_json(), status_code=error.status, headers=headers)


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise OAuthError("invalid_request", f"the body must be {FORM}")
    body = await _bounded_body(request)
    try:
        return single_params(body.decode())
    except (CatalogueError, UnicodeDecodeError):
        raise OAuthError("invalid_request", "a parameter is repeated or malformed") from None


async def _bounded_body(request: Request) -> bytes:
    """The body, read no further than MAX_FORM: these endpoints are served ahead of the
    app's body-size middleware (api/oidc_fast_path.py), so they keep their own limit."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > MAX_FORM):
        raise OAuthError("invalid_request", "the body is too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            raise OAuthError("invalid_request", "the body is too large")
    return bytes(body)


def _endpoints(request: Request) -> tuple[str, tuple[str, ...]]:
    issuer = issuer_of(request)
    return issuer, (issuer + PATHS["token_endpoint"], issuer,
                    issuer + PATHS["introspection_endpoint"],
                    issuer + PATHS["revocation_endpoint"])


async def token(request: Request) -> Response:
    authorization = request.headers.get("authorization")
    try:
        form = await _form(request)
        issuer, audiences = _endpoints(request)
        body = await grants.exchange(runtime_of(request).oidc, form, authorization, issuer,
                                     audiences[0], _caller(request))
    except OAuthError as error:
        return oauth_error(error, basic=bool(authorization))
    return JSONResponse(body, headers=NO_STORE)


async def introspect(request: Request) -> Response:
    authorization = request.headers.get("authorization")
    try:
        form = await _form(request)
        issuer, audiences = _endpoints(request)
        body: dict[str, Any] = await introspection.introspect(
            runtime_of(request).oidc, form, authorization, issuer, audiences)
    except OAuthError as error:
        return oauth_error(error, basic=bool(authorization))
    return JSONResponse(body, headers=NO_STORE)


async def revoke(request: Request) -> Response:
    authorization = request.headers.get("authorization")
    try:
        form = await _form(request)
        issuer, audiences = _endpoints(request)
        await revocation.revoke(runtime_of(request).oidc, form, authorization, issuer, audiences)
    except OAuthError as error:
        return oauth_error(error, basic=bool(authorization))
    return Response(status_code=200, headers=NO_STORE)


async def userinfo_endpoint(request: Request) -> Response:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    try:
        if not token and request.method == "POST":
            token = (await _form(request)).get("access_token", "")
        if not token:
            raise userinfo.invalid_token("a bearer access token is required")
        claims = await userinfo.userinfo(runtime_of(request).oidc, token, issuer_of(request))
    except OAuthError as error:
        challenge = f'Bearer error="{error.error}", error_description="{error.description}"'
        return JSONResponse(error.as_json(), status_code=error.status,
                            headers={**NO_STORE, "WWW-Authenticate": challenge})
    return JSONResponse(claims, headers=NO_STORE)


MACHINE = (
    (PATHS["token_endpoint"], token, ("POST",)),
    (PATHS["introspection_endpoint"], introspect, ("POST",)),
    (PATHS["revocation_endpoint"], revoke, ("POST",)),
    (PATHS["userinfo_endpoint"], userinfo_endpoint, ("GET", "POST")),
)
"""Served by api/oidc_fast_path.py in front of the app, and also routed here (for an app
built without the fast path)."""
for _path, _endpoint, _methods in MACHINE:
    router.add_route(_path, _endpoint, methods=list(_methods))
