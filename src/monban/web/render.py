"""The one way a page is rendered: its language, `_`, the CSRF token, the signed-in account,
catalogue errors shown inline, times in the viewer's zone, and the security headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from monban.accounts.model import ADMIN_ROLES, STAFF_ROLES
from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.csrf import token_for
from monban.edge.request_facts import requested_language
from monban.errors import CATALOGUE, CatalogueError, message
from monban.i18n.catalog import gettext_for
from monban.i18n.negotiate import SUPPORTED, choose
from monban.sessions.device import describe
from monban.sessions.service import Authenticated
from monban.web.labels import EVENTS, N_, NOTICES, OUTCOMES, ROLES

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGE_MAX_AGE = 400 * 24 * 3600
LANGUAGE_KEY = "monban.page_language"
PROVIDER = {"ja": "外部サービス", "en": "your identity provider"}
CSP = ("default-src 'self'; script-src {script}; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP.format(script="'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True, slots=True)
class ErrorView:
    """A catalogue error as a page shows it."""

    code: str
    status: int
    message: str
    help_url: str
    notes: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    """Numbered steps shown under the message (the help topic's, e.g. time sync)."""



def page_language(request: Request, auth: Authenticated | None = None) -> str:
    """The signed-in account's language, else ?lang= / the language cookie /
    Accept-Language, else the server default. Remembered for the error page."""
    language = choose(auth.account.language if auth else None, requested_language(request),
                      runtime_of(request).settings.default_language)
    request.scope[LANGUAGE_KEY] = language
    return language


def placeholders(request: Request, language: str) -> dict[str, str]:
    """How `{app}` and `{provider}` are filled in catalogue messages and help texts."""
    return {"app": runtime_of(request).settings.authenticator_app_name,
            "provider": PROVIDER.get(language, PROVIDER["en"])}


def error_view(request: Request, error: CatalogueError, language: str,
               notes: tuple[str, ...] = (), steps: tuple[str, ...] = ()) -> ErrorView:
    params = {**placeholders(request, language), **error.params}
    return ErrorView(code=error.code, status=error.status,
                     message=message(error.code, language, **params),
                     help_url=f"/help/errors/{error.code}", notes=notes, steps=steps)


def zone_of(auth: Authenticated | None) -> ZoneInfo:
    try:
        return ZoneInfo(auth.account.timezone) if auth else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _time_formatter(zone: ZoneInfo) -> Any:
    def when(value: datetime | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    return when


def _ago_formatter(now: datetime, gettext: Any) -> Any:
    def ago(value: datetime | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        seconds = max(0, int((now - value).total_seconds()))
        if seconds < 60:
            return str(gettext(N_("just now")))
        if seconds < 3600:
            return str(gettext(N_("%(n)s min ago"), n=seconds // 60))
        if seconds < 86400:
            return str(gettext(N_("%(n)s h ago"), n=seconds // 3600))
        return str(gettext(N_("%(n)s days ago"), n=seconds // 86400))

    return ago


def _switch_links(request: Request) -> dict[str, str]:
    links = {}
    for language in SUPPORTED:
        query = {k: v for k, v in request.query_params.items() if k != "lang"}
        query["lang"] = language
        links[language] = f"{request.url.path}?{urlencode(query)}"
    return links


def _label_functions(request: Request, language: str, gettext: Any) -> dict[str, Any]:
    params = placeholders(request, language)

    def pick(table: dict[str, str]) -> Any:
        return lambda key: gettext(table[key]) if key in table else (key or "")

    return {
        "catalogue_message": lambda code: message(code, language, **params)
        if code in CATALOGUE else "",
        "event_label": pick(EVENTS), "outcome_label": pick(OUTCOMES), "role_label": pick(ROLES),
    }


def keep_together(text: str) -> str:
    """No line break inside a short value such as "+81 ••••5678"."""
    return text.replace(" ", "\u00a0")


def current_path(request: Request) -> str:
    query = {k: v for k, v in request.query_params.items() if k not in ("lang", "notice")}
    return request.url.path + (f"?{urlencode(query)}" if query else "")


def render(request: Request, template: str, *, auth: Authenticated | None = None,
           status: int = 200, error: CatalogueError | ErrorView | None = None,
           scripts: bool = False, **context: Any) -> HTMLResponse:
    """`scripts`: the page loads same-origin script files (webauthn.js); every other page
    runs no script at all."""
    runtime = runtime_of(request)
    language = page_language(request, auth)
    gettext = gettext_for(language)
    if isinstance(error, CatalogueError):
        error = error_view(request, error, language)
    account = auth.account if auth else None
    notice_key = request.query_params.get("notice", "")
    notice = gettext(NOTICES[notice_key]) if notice_key in NOTICES else None
    values: dict[str, Any] = {
        "_": gettext, "lang": language, "csrf": token_for(request), "auth": auth,
        "account": account, "error": error, "switch": _switch_links(request),
        "here": current_path(request), "app_name": runtime.settings.authenticator_app_name,
        "show_admin": bool(account and (account.is_superadmin or account.role in STAFF_ROLES)),
        "is_admin_role": bool(account and account.role in ADMIN_ROLES),
        "when": _time_formatter(zone_of(auth)),
        "ago": _ago_formatter(runtime.clock.now(), gettext), "notice": notice,
        "device": describe, "scripts": scripts, "keep_together": keep_together,
        "federated_buttons": runtime.federation.cached_buttons,
        **_label_functions(request, language, gettext),
        **context,
    }
    body = _ENV.get_template(template).render(values)
    headers = SECURITY_HEADERS
    if scripts:
        headers = {**headers, "Content-Security-Policy": CSP.format(script="'self'")}
    response = HTMLResponse(body, status_code=status, headers=headers)
    remember_language(request, response)
    return response


def remember_language(request: Request, response: HTMLResponse | RedirectResponse,
                      language: str | None = None) -> None:
    """`?lang=` (or an explicit choice) is kept in the language cookie."""
    chosen = language or request.query_params.get("lang")
    if chosen in SUPPORTED:
        cookies.set_cookie(response, runtime_of(request), request, cookies.LANGUAGE,
                           str(chosen), max_age=LANGUAGE_MAX_AGE)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
