"""The one JSON rendering of a catalogue error:
{"error": {"code", "message", "help", "fix_by", ...detail}}."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import requested_language
from monban.errors import CATALOGUE, CatalogueError, message
from monban.i18n.negotiate import choose

ACCOUNT_LANGUAGE = "monban.account_language"
"""Scope key: the signed-in account's language, set once the caller is known."""


def help_url(request: Request, code: str, language: str) -> str:
    runtime = runtime_of(request)
    base = runtime.settings.base_url.rstrip("/") or str(request.base_url).rstrip("/")
    return f"{base}/help/errors/{code}?lang={language}"


def language_for(request: Request, error: CatalogueError | None = None) -> str:
    runtime = runtime_of(request)
    account_language = (error.language if error else None) or request.scope.get(ACCOUNT_LANGUAGE)
    return choose(account_language, requested_language(request),
                  runtime.settings.default_language)


def error_body(request: Request, error: CatalogueError) -> dict[str, Any]:
    runtime = runtime_of(request)
    language = language_for(request, error)
    entry = CATALOGUE[error.code]
    params = {"app": runtime.settings.authenticator_app_name, **error.params}
    body: dict[str, Any] = {
        "code": error.code,
        "message": message(error.code, language, **params),
        "help": help_url(request, error.code, language),
        "fix_by": entry.fix_by,
    }
    if error.detail:
        body["detail"] = error.detail
    return {"error": body}


def error_response(request: Request, error: CatalogueError) -> JSONResponse:
    return JSONResponse(error_body(request, error), status_code=error.status,
                        headers={"Cache-Control": "no-store"})
