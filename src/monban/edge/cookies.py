"""The cookies Monban sets: session (HttpOnly, SameSite=Lax, Secure over https; persistent
only with "keep me signed in"), device (signed, long-lived), flow binder (HttpOnly, for the
browser session), CSRF and language."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

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


def secure(runtime: Runtime, request: Request) -> bool:
    if runtime.settings.cookie_secure is not None:
        return runtime.settings.cookie_secure
    return request.url.scheme == "https"


def set_session(response: Response, runtime: Runtime, request: Request, token: str,
                persistent: bool, expires_at: datetime, now: datetime) -> None:
    max_age = int((expires_at - now).total_seconds()) if persistent else None
    response.set_cookie(SESSION, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=secure(runtime, request), path="/")


def clear_session(response: Response, runtime: Runtime, request: Request) -> None:
    response.delete_cookie(SESSION, path="/", httponly=True, samesite="lax",
                           secure=secure(runtime, request))


def set_device(response: Response, runtime: Runtime, request: Request, signed: str) -> None:
    response.set_cookie(DEVICE, signed, max_age=DEVICE_MAX_AGE, httponly=True,
                        samesite="lax", secure=secure(runtime, request), path="/")
