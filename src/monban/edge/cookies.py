"""The cookies Monban sets: session (HttpOnly, SameSite=Lax; persistent only with "keep me
signed in"), device (signed, long-lived), flow binder (HttpOnly, for the browser
session), CSRF pre-session value and language.

Over https every cookie is `Secure` and carries a name prefix the browser enforces
(RFC 6265bis §4.1.3): `__Host-` for path `/` (no Domain, so no other host or subdomain can
set or shadow it), `__Secure-` for a narrower path. On plain http (`monban serve` on
http://localhost) the names stay unprefixed, because browsers refuse prefixed cookies without
`Secure`. "Over https" is decided once, here: `MONBAN_COOKIE_SECURE` when set, else an
https `MONBAN_BASE_URL`, else the request's scheme (which a trusted proxy's
X-Forwarded-Proto sets, edge/forwarded.py). Every reader goes through `read()`, so the name a
cookie is read under is always the name it was set under."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from monban.config import Settings
from monban.edge.app_runtime import runtime_of
from monban.runtime import Runtime

SESSION = "monban_session"
DEVICE = "monban_device"
FLOW_BINDER = "monban_flow"
"""Binds this browser's flows to it (HttpOnly, SameSite=Lax, for the browser session)."""
FLOW_TOKEN_HEADER = "x-flow-token"  # noqa: S105 - a header's name, not a secret
"""The same binder, presented by API callers without a cookie jar."""
CSRF = "monban_csrf"
LANGUAGE = "monban_lang"
DEVICE_MAX_AGE = 400 * 24 * 3600
HOST_PREFIX = "__Host-"
SECURE_PREFIX = "__Secure-"


def secure_scope(settings: Settings, scope: Mapping[str, Any]) -> bool:
    """Whether cookies set on this request are Secure (and so prefixed)."""
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    if settings.base_url.lower().startswith("https://"):
        return True
    return scope.get("scheme") == "https"


def secure(runtime: Runtime, request: Request) -> bool:
    return secure_scope(runtime.settings, request.scope)


def name(base: str, secure: bool, path: str = "/") -> str:
    """The name a cookie is set and read under."""
    if not secure:
        return base
    return (HOST_PREFIX if path == "/" else SECURE_PREFIX) + base


def name_for(request: Request, base: str, path: str = "/") -> str:
    runtime = runtime_of(request)
    return name(base, secure(runtime, request), path)


def read(request: Request, base: str, path: str = "/") -> str | None:
    """The cookie's value under this request's name; over https an unprefixed cookie of the
    same base name (which anyone able to toss cookies could have set) is ignored."""
    return request.cookies.get(name_for(request, base, path))


def set_cookie(response: Response, runtime: Runtime, request: Request, base: str, value: str,
               *, max_age: int | None = None, path: str = "/") -> None:
    """HttpOnly, SameSite=Lax, Secure and prefixed over https."""
    is_secure = secure(runtime, request)
    response.set_cookie(name(base, is_secure, path), value, max_age=max_age, httponly=True,
                        samesite="lax", secure=is_secure, path=path)


def clear(response: Response, runtime: Runtime, request: Request, base: str,
          path: str = "/") -> None:
    is_secure = secure(runtime, request)
    response.delete_cookie(name(base, is_secure, path), path=path, httponly=True,
                           samesite="lax", secure=is_secure)


def set_session(response: Response, runtime: Runtime, request: Request, token: str,
                persistent: bool, expires_at: datetime, now: datetime) -> None:
    max_age = int((expires_at - now).total_seconds()) if persistent else None
    set_cookie(response, runtime, request, SESSION, token, max_age=max_age)


def clear_session(response: Response, runtime: Runtime, request: Request) -> None:
    clear(response, runtime, request, SESSION)


def set_device(response: Response, runtime: Runtime, request: Request, signed: str) -> None:
    set_cookie(response, runtime, request, DEVICE, signed, max_age=DEVICE_MAX_AGE)
