"""CSRF: a token bound to who the browser is, by HMAC with the server's secret key.

Signed in (a session cookie is present), the token is HMAC(key, "session:" + SHA-256 of the
session token): it changes with every new session, so signing in renews it, and a token
minted for one session is worth nothing in another. Before signing in (the sign-in and
recovery forms), it is HMAC(key, "pre:" + the pre-session cookie), a random value minted on
the first page and set as the CSRF cookie. Either way the cookie alone is not the token, so
an attacker who can plant a cookie (a sibling subdomain, plain http) still cannot compute a
token that passes, and `Cookie: monban_csrf=X` with `X-CSRF-Token: X` fails.

Forms carry the token in the hidden field `csrf`; JSON calls authenticated by the session
cookie carry it in X-CSRF-Token (bearer-token calls need none); `GET /api/v1/me/csrf-token`
and the sign-in answer hand it to API callers."""

from __future__ import annotations

import base64
import hashlib
import hmac

from starlette.requests import Request

from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.errors import CatalogueError
from monban.store.ids import new_token, token_digest

HEADER = "x-csrf-token"
NEW_PRE_SESSION = "monban.new_csrf"
"""Scope key: a pre-session value minted for this request (set as a cookie on the way out)."""


def derive(secret: str, binding: str) -> str:
    mac = hmac.new(secret.encode(), f"csrf:{binding}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def for_session(secret: str, session_token: str) -> str:
    """The token of the session behind `session_token` (what the sign-in answer returns)."""
    return derive(secret, "session:" + token_digest(session_token))


def _pre_session(request: Request, mint: bool) -> str | None:
    value = cookies.read(request, cookies.CSRF) or request.scope.get(NEW_PRE_SESSION)
    if isinstance(value, str) and 20 <= len(value) <= 100:
        return value
    if not mint:
        return None
    value = new_token()
    request.scope[NEW_PRE_SESSION] = value
    return value


def expected(secret: str, session: str | None, pre_session: str | None) -> str | None:
    """The token for a browser holding these cookie values (None: it has neither)."""
    if session and len(session) <= 100:
        return for_session(secret, session)
    return derive(secret, "pre:" + pre_session) if pre_session else None


def _expected(request: Request, mint: bool) -> str | None:
    runtime = runtime_of(request)
    session = cookies.read(request, cookies.SESSION)
    pre = None if session else _pre_session(request, mint)
    return expected(runtime.secret_key, session, pre)


def token_for(request: Request) -> str:
    """The CSRF token for this browser, minting a pre-session value if it has none."""
    token = _expected(request, mint=True)
    assert token is not None
    return token


def check(request: Request, submitted: str | None) -> None:
    expected = _expected(request, mint=False)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CatalogueError("CSRF_CHECK_FAILED")
