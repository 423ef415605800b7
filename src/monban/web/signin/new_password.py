"""/signin/new-password: "Set a new password", when signing in finds the password older than
the org allows or an admin asked for a new one (signin/password_change.py, the same step as
the API's /api/v1/signin/flows/{id}/new-password).

Also the password policy's words on every page: a sentence per refused rule (shown after the
catalogue message of PASSWORD_POLICY_VIOLATION) and the hints under a new-password field."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.i18n.catalog import gettext_for
from monban.passwords import policy
from monban.signin import password_change
from monban.signin.flow_access import Loaded
from monban.signin.second_step import SecondStepRequired
from monban.store import factors as factor_store
from monban.web.forms import read_form
from monban.web.labels import N_
from monban.web.page_route import PageRoute
from monban.web.render import error_view, page_language, redirect, render
from monban.web.signin.first_step import (
    mfa_url,
    next_target,
    session_limit_page,
    signed_in_response,
    signin_form_page,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE = "/signin/new-password"

RULE_NOTES = {
    "min_length": N_("Use at least %(min_length)s characters."),
    "max_length": N_("Use at most %(max_length)s characters."),
    "blank": N_("The password cannot be only spaces."),
    "classes": N_("Include at least one of each: %(classes)s."),
    "contains_identity": N_("Don't build your password from your name, email address or "
                            "username."),
    "blocklist": N_("This password is too common or has appeared in a data breach. Choose "
                    "another one."),
    "history": N_("Don't reuse any of your last %(history)s passwords."),
    "min_age": N_("Your password was changed less than %(min_age_hours)s hours ago. Try "
                  "again later."),
}
"""One sentence per rule of passwords/policy.py, filled from the error's detail."""
NOT_CURRENT = N_("Choose a password different from your current one.")
ONLY_FACTOR = N_("Without two-step verification your password is your only way in, so it "
                 "needs at least %(min_length)s characters.")
CLASS_NAMES = {"lower": N_("lowercase letter"), "upper": N_("uppercase letter"),
               "digit": N_("digit"), "symbol": N_("symbol or space")}
LIST_SEPARATOR = {"ja": "、", "en": ", "}
HINT_REFUSED = N_("Common passwords, and passwords made from your name, email address or "
                  "username, are refused.")
HINT_PHRASE = N_("Any characters are allowed, spaces too: a few unrelated words make a long "
                 "password that is easy to remember.")
MISMATCH = N_("The two passwords do not match.")


def _classes(names: Sequence[str], language: str) -> str:
    _ = gettext_for(language)
    return LIST_SEPARATOR.get(language, ", ").join(_(CLASS_NAMES[n]) for n in names)


def policy_notes(error: CatalogueError, language: str) -> tuple[str, ...]:
    """The sentence saying which rule a PASSWORD_POLICY_VIOLATION is about (none for other
    errors)."""
    rule = error.detail.get("rule")
    if error.code != "PASSWORD_POLICY_VIOLATION" or not isinstance(rule, str):
        return ()
    if rule not in RULE_NOTES:
        return ()
    _ = gettext_for(language)
    params = {k: v for k, v in error.detail.items() if k != "rule"}
    if rule == "classes":
        missing = params.get("missing")
        params["classes"] = _classes(missing if isinstance(missing, list) else [], language)
    if rule == "min_length" and params.get("only_factor"):
        return (_(ONLY_FACTOR, **params),)
    if rule == "history" and params.get("history") == 1:
        return (_(NOT_CURRENT),)
    return (_(RULE_NOTES[rule], **params),)


def policy_hints(settings: OrgSettings, only_factor: bool, language: str) -> list[str]:
    """What a new password needs, for this account, under a new-password field."""
    _ = gettext_for(language)
    length = policy.min_length(settings, only_factor)
    raised = only_factor and length > policy.min_length(settings, False)
    hints = [_(ONLY_FACTOR if raised else RULE_NOTES["min_length"], min_length=length)]
    if settings.password_classes:
        hints.append(_(RULE_NOTES["classes"],
                       classes=_classes(settings.password_classes, language)))
    if settings.password_history:
        hints.append(_(RULE_NOTES["history"], history=settings.password_history))
    return [*hints, _(HINT_REFUSED), _(HINT_PHRASE)]


async def hints_for(request: Request, account: Account, settings: OrgSettings) -> list[str]:
    """policy_hints for a signed-in account (its factors decide the minimum length)."""
    factors = await runtime_of(request).db.run(factor_store.list_for, account.id, write=False)
    return policy_hints(settings, password_change.only_factor(factors),
                        page_language(request))


def _page(request: Request, loaded: Loaded, next_url: str,
          error: CatalogueError | None = None) -> Response:
    account = loaded.account
    assert account is not None
    language = page_language(request)
    view = None
    if error is not None:
        notes = policy_notes(error, language)
        if error.detail.get("field") == "confirm":
            notes = (gettext_for(language)(MISMATCH),)
        view = error_view(request, error, language, notes)
    settings = loaded.settings
    return render(
        request, "password_change.html", status=error.status if error else 200, error=view,
        flow_id=loaded.flow.id, next=next_url, identifier=loaded.flow.data.get("identifier"),
        reason=policy.change_due(account, settings, runtime_of(request).clock.now()),
        max_age_days=settings.password_max_age_days,
        password_hints=policy_hints(settings, password_change.only_factor(loaded.factors),
                                    language))


async def _waiting(request: Request, flow_id: str) -> Loaded:
    runtime = runtime_of(request)
    return await password_change.waiting(runtime.db, runtime.clock, flow_id[:100],
                                         request_info(request))


@router.get(PAGE)
async def new_password_form(request: Request) -> Response:
    next_url = next_target(request)
    try:
        loaded = await _waiting(request, request.query_params.get("flow", ""))
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error)
    return _page(request, loaded, next_url)


@router.post(PAGE)
async def new_password_submit(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    flow_id = form.text("flow", 100)
    password = form.text("password")
    try:
        if password != form.text("confirm"):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "confirm"})
        result = await password_change.submit_new_password(
            runtime_of(request), flow_id, password, request_info(request))
    except CatalogueError as error:
        if error.code == "CONCURRENT_SESSION_LIMIT":
            return session_limit_page(request, flow_id, next_url, error)
        try:  # still waiting for its new password: say what was wrong
            loaded = await _waiting(request, flow_id)
        except CatalogueError:  # gone, or moved on and refused later: start again
            return signin_form_page(request, next_url=next_url, error=error)
        return _page(request, loaded, next_url, error)
    if isinstance(result, SecondStepRequired):
        return redirect(mfa_url(result.flow_id, next_url))
    return signed_in_response(request, result, next_url)
