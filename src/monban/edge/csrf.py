"""CSRF: double-submit token. Forms carry a hidden field equal to the CSRF cookie; JSON calls
authenticated by cookie carry it in X-CSRF-Token (bearer-token calls need none)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from monban.edge import cookies
from monban.errors import SignInError
from monban.store.ids import new_token

HEADER = "x-csrf-token"


def token_for(request: Request) -> str:
    """The CSRF token for this browser, minting one (set as a cookie on the way out)."""
    existing = request.cookies.get(cookies.CSRF) or request.scope.get("monban.new_csrf")
    if isinstance(existing, str) and 20 <= len(existing) <= 100:
        return existing
    token = new_token()
    request.scope["monban.new_csrf"] = token
    return token


def check(request: Request, submitted: str | None) -> None:
    expected = request.cookies.get(cookies.CSRF)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise SignInError("CSRF_CHECK_FAILED")
