"""Who is calling: a session token in `Authorization: Bearer`, or the session cookie (then
unsafe methods need the X-CSRF-Token header)."""

from __future__ import annotations

from fastapi import Request

from monban.edge import cookies, csrf
from monban.edge.error_json import ACCOUNT_LANGUAGE
from monban.errors import SignInError
from monban.runtime import Runtime
from monban.sessions.service import Authenticated

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def current_session(request: Request) -> Authenticated:
    runtime: Runtime = request.app.state.runtime
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        token: str | None = header[7:].strip()
        by_cookie = False
    else:
        token = cookies.read(request, cookies.SESSION)
        by_cookie = True
    if not token:
        raise SignInError("SIGNIN_REQUIRED")
    auth = await runtime.sessions.authenticate(token)
    if auth is None:
        raise SignInError("SESSION_EXPIRED")
    request.scope[ACCOUNT_LANGUAGE] = auth.account.language
    if by_cookie and request.method not in SAFE_METHODS:
        csrf.check(request, request.headers.get(csrf.HEADER))
    return auth
