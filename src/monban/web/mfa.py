"""What the two-step pages share: the lists of factors they show (derived from the registry
and the factors' descriptions), a signed-in person's factor context, reading a factor's
answer from a posted form, catalogue errors with their help topic's steps inline, the JSON
answer of the WebAuthn options endpoints, and the two-step part of the security page."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.factors import registry
from monban.factors.base import Enrollment, FactorContext, FactorRecord
from monban.factors.one_time_codes import mask as codes_mask
from monban.help.topics import TOPICS
from monban.i18n.catalog import gettext_for
from monban.sessions.service import Authenticated
from monban.web.forms import Form
from monban.web.labels import N_
from monban.web.render import ErrorView, error_view, page_language, placeholders


def kinds() -> dict[str, str]:
    """Each registered factor's name on the pages (a gettext message id)."""
    return {kind: d.label for kind, d in registry.descriptions().items()}


def kind_hints() -> dict[str, str]:
    return {kind: d.hint for kind, d in registry.descriptions().items()}


def org_methods() -> list[str]:
    """The org settings page's list of methods to tick (those without a switch of their own
    and not kept off the page)."""
    return [kind for kind, d in registry.descriptions().items()
            if d.on_org_page and d.org_switch is None]


def org_switches() -> dict[str, tuple[str, str]]:
    """The org settings page's methods with a switch of their own: kind -> (label, hint)."""
    return {kind: d.org_switch for kind, d in registry.descriptions().items()
            if d.on_org_page and d.org_switch is not None}


def scripted(page: str) -> frozenset[str]:
    """Factors whose `page` ("add", "verify") runs webauthn.js."""
    return frozenset(kind for kind, d in registry.descriptions().items() if page in d.scripts)


def sent_kinds() -> frozenset[str]:
    """Factors whose code is sent when asked (their page offers to send another)."""
    return frozenset(kind for kind, d in registry.descriptions().items() if d.sends_code)


TIME_SYNC_STEPS = slice(1, 4)
"""INVALID_OTP's help steps about the device clock (iOS, Android, then try again)."""
STEPS_SHOWN = frozenset({"SECURITY_KEY_FAILED", "BROWSER_NOT_SUPPORTED"})
LOW_BACKUP_CODES = 3
MAX_CREDENTIAL = 32 * 1024
def mask(target: str | None) -> str:
    """+819012345678 -> +81 ••••5678; hanako@example.com -> h•••@example.com"""
    return codes_mask(target) if target else ""


def account_context(request: Request, auth: Authenticated) -> FactorContext:
    info = request_info(request)
    return FactorContext(account=auth.account, settings=auth.settings, request=info,
                         now=runtime_of(request).clock.now(), origin=info.origin)


def factor_response(kind: str, form: Form) -> dict[str, Any]:
    """The answer a factor's verify/confirm expects, from the page's form fields: {"code"}, or
    for a security key {"credential": ...} as webauthn.js posted it. No credential at all
    (a browser without scripts or WebAuthn) is {"error": "not_supported"}."""
    if kind != "webauthn":
        return {"code": "".join(form.text("code", 64).split())}
    raw = form.text("credential", MAX_CREDENTIAL).strip()
    if not raw:
        return {"error": "not_supported"}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise CatalogueError("SECURITY_KEY_FAILED") from exc
    if not isinstance(value, dict):
        raise CatalogueError("SECURITY_KEY_FAILED")
    problem = value.get("error")
    if problem == "not_supported":
        return {"error": "not_supported"}
    if problem is not None:
        # Cancelled or timed out in the browser: nothing reached the server to verify.
        raise CatalogueError("SECURITY_KEY_FAILED", detail={"client": str(problem)[:40]})
    return {"credential": value}


def mfa_error(request: Request, error: CatalogueError, language: str,
              kind: str | None) -> ErrorView:
    """The catalogue message and help link; a wrong authenticator-app code also shows the
    time-sync steps, a security-key failure its help topic's steps."""
    topic = TOPICS.get(error.code)
    if topic is None:
        return error_view(request, error, language)
    text = topic.ja if language == "ja" else topic.en
    values = placeholders(request, language)
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    _ = gettext_for(language)
    if error.code == "INVALID_OTP" and kind == "totp":
        steps = text.steps[TIME_SYNC_STEPS]
        notes = (_(N_("If the app's codes keep being refused, your device's clock may be off. "
                      "Synchronize its time:")),)
    elif error.code in STEPS_SHOWN:
        steps = text.steps
    steps = tuple(s.replace("{app}", values["app"]).replace("{provider}", values["provider"])
                  for s in steps)
    return error_view(request, error, language, notes, steps)


def json_error(request: Request, error: CatalogueError, auth: Authenticated | None = None
               ) -> JSONResponse:
    """An options endpoint's refusal, for webauthn.js to show in the page's alert box."""
    view = error_view(request, error, page_language(request, auth))
    return JSONResponse({"error": {"code": view.code, "message": view.message,
                                   "help_url": view.help_url}},
                        status_code=error.status, headers={"Cache-Control": "no-store"})


def remaining_codes(record: FactorRecord) -> int | None:
    """How many unused codes a backup-code set has left (the factor keeps the count)."""
    value = record.data.get("remaining")
    return value if isinstance(value, int) else None


async def two_step_section(request: Request, auth: Authenticated) -> dict[str, Any]:
    """The security page's "Two-step verification" card: factors, what may be added, trusted
    browsers, and whether the backup codes are running out."""
    runtime = runtime_of(request)
    ctx = account_context(request, auth)
    records = list(await runtime.factors.enrolled(auth.account.id))
    allowed = auth.settings.allowed_factors
    addable = [k for k in runtime.factors.registry if k in allowed]
    backup = next((r for r in records if r.kind == "backup_code"), None)
    left = remaining_codes(backup) if backup else None
    strong = [r for r in records if registry.counts_alone(r.kind) and r.kind in allowed]
    return {
        "factors": records, "addable": addable, "kinds": kinds(), "kind_hints": kind_hints(),
        "mask": mask, "mfa_on": bool(strong),
        "trusted": list(await runtime.factors.trusted_browsers(ctx)),
        "trust_days": auth.settings.trusted_browser_days,
        "backup_left": left,
        "backup_low": backup is not None and left is not None and left <= LOW_BACKUP_CODES,
        "backup_missing": bool(strong) and backup is None and "backup_code" in addable,
    }


def options_response(enrollment: Enrollment) -> JSONResponse:
    """What webauthn.js gets back when it asks for a new security key's creation options."""
    return JSONResponse({"enrollment": enrollment.id,
                         "options": enrollment.display.get("options", enrollment.display)},
                        headers={"Cache-Control": "no-store"})
