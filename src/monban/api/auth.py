"""Who is calling: a session token in `Authorization: Bearer`, or the session cookie (then
unsafe methods need the X-CSRF-Token header)."""

from __future__ import annotations

from fastapi import Request

from monban.edge import cookies, csrf
from monban.edge.app_runtime import runtime_of
from monban.edge.error_json import ACCOUNT_LANGUAGE
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def current_session(request: Request) -> Authenticated:
    runtime = runtime_of(request)
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token: str | None = header[7:].strip()
        by_cookie = False
    else:
        token = cookies.read(request, cookies.SESSION)
        by_cookie = True
    if not token:
        raise CatalogueError("SIGNIN_REQUIRED")
    auth = await runtime.sessions.authenticate(token)
    if auth is None:
        raise CatalogueError("SESSION_EXPIRED")
    request.scope[ACCOUNT_LANGUAGE] = auth.account.language
    if by_cookie and request.method not in SAFE_METHODS:
        csrf.check(request, request.headers.get(csrf.HEADER))
    return auth
